from .amp_any_device import AmpAnyDeviceOptimWrapper, CPUBf16OptimWrapper

__all__ = ['AmpAnyDeviceOptimWrapper', 'CPUBf16OptimWrapper']
