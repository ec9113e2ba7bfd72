from .sumix_head import SUMixHead

__all__ = ['SUMixHead']
