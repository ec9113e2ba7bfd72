from .automix_classifier import AutoMixClassifier
from .mixup_classifier import MixupClassifier

__all__ = ['MixupClassifier', 'AutoMixClassifier']
