"""Losses: the SUMix loss (pure function + module), mixup CE, the
DecoupleMix loss and SAMix's eta-balanced mixup loss."""
from .decouple_mix import DecoupleMixLoss, decouple_mix_loss
from .eta_balanced_mix import EtaBalancedMixLoss, eta_balanced_mix_loss
from .mix_ce import mixup_cross_entropy
from .sumix_loss import SUMixLoss, SUMixTerms, sumix_loss, sumix_terms

__all__ = [
    'sumix_loss', 'sumix_terms', 'SUMixTerms', 'SUMixLoss',
    'mixup_cross_entropy', 'DecoupleMixLoss', 'decouple_mix_loss',
    'EtaBalancedMixLoss', 'eta_balanced_mix_loss'
]
