"""Moved: the label rules that read the model are training procedures now
(:mod:`sumix_ext.models.classifiers.procedures`). Kept so older imports
work."""
from .procedures.mixed_label import mixed_label_loss
from .procedures.snapmix import snapmix_loss
from .procedures.transmix import transmix_loss

__all__ = ['mixed_label_loss', 'snapmix_loss', 'transmix_loss']
