"""Losses: the SUMix loss (pure function + module), mixup CE and the
DecoupleMix loss."""
from .decouple_mix import DecoupleMixLoss, decouple_mix_loss
from .mix_ce import mixup_cross_entropy
from .sumix_loss import SUMixLoss, SUMixTerms, sumix_loss, sumix_terms

__all__ = [
    'sumix_loss', 'sumix_terms', 'SUMixTerms', 'SUMixLoss',
    'mixup_cross_entropy', 'DecoupleMixLoss', 'decouple_mix_loss'
]
