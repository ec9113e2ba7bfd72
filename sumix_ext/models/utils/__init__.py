"""Model-side utilities: the NaN/Inf loss guard of MixupClassifier, the
class-token attention probe (TransMix) and the one-pass forward hook of
the hidden-state mixers (ManifoldMix, AlignMix)."""
from .class_token_attention import ClassTokenAttention
from .forward_mix import ForwardMix
from .nonfinite import (NonFiniteGuard, NonFiniteLossError,
                        check_nonfinite_mode, describe_losses)

__all__ = ['NonFiniteGuard', 'NonFiniteLossError', 'check_nonfinite_mode',
           'describe_losses', 'ClassTokenAttention', 'ForwardMix']
