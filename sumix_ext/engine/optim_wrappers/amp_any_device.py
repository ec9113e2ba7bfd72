"""Mixed precision on any device: CUDA fp16 AMP or CPU bf16 autocast."""
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUBf16OptimWrapper(OptimWrapper):
    """Run forward and loss under ``torch.autocast('cpu', torch.bfloat16)``.

    MMEngine's ``AmpOptimWrapper`` asserts a GPU. bf16 has fp32's exponent
    range, so no loss scaling is needed; parameters, gradients and the
    optimizer stay fp32 (the losses cast logits to fp32).

    Args:
        **kwargs: Passed to ``OptimWrapper``. ``loss_scale`` is accepted
            and ignored, so ``--amp`` configs work unchanged.
    """

    def __init__(self, loss_scale=None, dtype=None, **kwargs):
        super().__init__(**kwargs)
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield


def AmpAnyDeviceOptimWrapper(**kwargs):
    """``AmpOptimWrapper`` on CUDA, :class:`CPUBf16OptimWrapper` on CPU.

    What ``tools/train.py --amp`` selects.
    """
    if torch.cuda.is_available():
        return AmpOptimWrapper(**kwargs)
    return CPUBf16OptimWrapper(**kwargs)


OPTIM_WRAPPERS.register_module(
    name='AmpAnyDeviceOptimWrapper', module=AmpAnyDeviceOptimWrapper)
