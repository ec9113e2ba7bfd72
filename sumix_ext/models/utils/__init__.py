"""Model-side utilities: the NaN/Inf loss guard of MixupClassifier."""
from .nonfinite import (NonFiniteGuard, NonFiniteLossError,
                        check_nonfinite_mode, describe_losses)

__all__ = ['NonFiniteGuard', 'NonFiniteLossError', 'check_nonfinite_mode',
           'describe_losses']
