"""Losses: the SUMix loss (pure function + module) and mixup CE."""
from .mix_ce import mixup_cross_entropy
from .sumix_loss import SUMixLoss, SUMixTerms, sumix_loss, sumix_terms

__all__ = [
    'sumix_loss', 'sumix_terms', 'SUMixTerms', 'SUMixLoss',
    'mixup_cross_entropy'
]
