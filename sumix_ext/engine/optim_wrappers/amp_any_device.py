"""Mixed precision on any device: CUDA fp16 AMP or CPU bf16 autocast.

MMEngine's ``AmpOptimWrapper`` asserts a GPU (or NPU/MLU/MUSA), so
``--amp`` would fail on a CPU-only machine. ``tools/train.py --amp`` sets
``optim_wrapper.type='AmpAnyDeviceOptimWrapper'``, which builds MMEngine's
``AmpOptimWrapper`` where CUDA exists and :class:`CPUBf16OptimWrapper`
otherwise.

Speed note: bf16 autocast only pays off on CPUs with bf16 units
(``avx512_bf16`` or AMX, ``amx_bf16`` in ``/proc/cpuinfo``). Without them
PyTorch emulates bf16 and a step is many times *slower* than fp32; see
``docs/benchmarks.md``.
"""
from contextlib import contextmanager
from typing import Optional, Union

import torch
import torch.nn as nn
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS

_BF16_NAMES = (None, 'bfloat16', 'bf16', torch.bfloat16)


@OPTIM_WRAPPERS.register_module()
class CPUBf16OptimWrapper(OptimWrapper):
    """Run forward and loss under ``torch.autocast('cpu', torch.bfloat16)``.

    Under autocast, matmul/conv run in bf16 and numerically sensitive ops
    (softmax, losses, reductions) in fp32. bf16 has fp32's 8-bit exponent, so
    gradients do not underflow and no loss scaling is needed. Parameters,
    gradients and the optimizer state stay fp32 (autocast casts the fp32
    weights per op; the backward produces fp32 gradients for fp32 leaves);
    only ``train_step``'s forward is autocast, validation runs in fp32.

    Args:
        loss_scale (str | float | dict, optional): Accepted and ignored (bf16
            needs no scaling), so ``--amp`` configs written for
            ``AmpOptimWrapper`` work unchanged.
        dtype (str | torch.dtype, optional): ``None``, ``'bfloat16'`` or
            ``torch.bfloat16``; CPU autocast here is bf16 only.
        **kwargs: Passed to ``OptimWrapper`` (``optimizer``,
            ``accumulative_counts``, ``clip_grad``).
    """

    def __init__(self,
                 loss_scale: Optional[Union[str, float, dict]] = None,
                 dtype: Optional[Union[str, torch.dtype]] = None,
                 **kwargs):
        if dtype not in _BF16_NAMES:
            raise ValueError(
                f'CPUBf16OptimWrapper: CPU mixed precision is bfloat16 only, '
                f"got dtype={dtype!r}; remove optim_wrapper.dtype or set it "
                f"to 'bfloat16'")
        super().__init__(**kwargs)
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model: nn.Module):
        """``OptimWrapper.optim_context`` (gradient accumulation) plus CPU
        bf16 autocast for the forward and the loss."""
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield


def AmpAnyDeviceOptimWrapper(**kwargs) -> OptimWrapper:
    """``AmpOptimWrapper`` on CUDA, :class:`CPUBf16OptimWrapper` on CPU.

    What ``tools/train.py --amp`` selects; registered in ``OPTIM_WRAPPERS``
    under this name (a factory, so the choice is made where the runner
    builds it).

    Args:
        **kwargs: ``optimizer`` and the other wrapper arguments
            (``loss_scale``, ``dtype``, ``accumulative_counts``, ...).

    Returns:
        OptimWrapper: The wrapper for this machine.
    """
    if torch.cuda.is_available():
        return AmpOptimWrapper(**kwargs)
    return CPUBf16OptimWrapper(**kwargs)


OPTIM_WRAPPERS.register_module(
    name='AmpAnyDeviceOptimWrapper', module=AmpAnyDeviceOptimWrapper)
