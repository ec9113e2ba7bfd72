from .rng_state_hook import RNGStateHook, get_rng_state, set_rng_state
from .sanity_check_hook import SanityCheckHook

__all__ = ['RNGStateHook', 'SanityCheckHook', 'get_rng_state', 'set_rng_state']
