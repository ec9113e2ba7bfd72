"""Model-side utilities: the NaN/Inf loss guard of MixupClassifier and the
class-token attention probe (TransMix)."""
from .class_token_attention import ClassTokenAttention
from .nonfinite import (NonFiniteGuard, NonFiniteLossError,
                        check_nonfinite_mode, describe_losses)

__all__ = ['NonFiniteGuard', 'NonFiniteLossError', 'check_nonfinite_mode',
           'describe_losses', 'ClassTokenAttention']
