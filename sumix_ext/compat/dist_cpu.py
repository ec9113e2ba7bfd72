"""Make MMEngine's ``pytorch`` and ``slurm`` launchers work without GPUs.

MMEngine 0.10 always calls ``torch.cuda.set_device(LOCAL_RANK)`` in
``_init_dist_pytorch`` / ``_init_dist_slurm`` and passes
``device_ids=[LOCAL_RANK]`` to ``MMDistributedDataParallel``; all fail
without CUDA. On a CPU-only machine we skip ``set_device``, switch an
``nccl`` backend to ``gloo`` and wrap CPU modules without ``device_ids``.
GPU machines are untouched.
"""
import contextlib
import functools
import os

import torch

_PATCHED = '_sumix_cpu_patched'


#: where the NVIDIA kernel driver lists the GPUs it sees
NVIDIA_GPUS = '/proc/driver/nvidia/gpus'


def check_cpu_fallback_wanted() -> None:
    """Refuse to fall back to CPU (gloo) when GPUs are present but torch
    cannot use them (e.g. a driver older than the wheel's CUDA), unless the
    user asked for the CPU.

    Raises:
        RuntimeError: One line with the cause and both ways out.
    """
    if os.environ.get('CUDA_VISIBLE_DEVICES', None) == '' or os.environ.get(
            'SUMIX_ALLOW_CPU', '0') not in ('', '0'):
        return
    try:
        gpus = os.listdir(NVIDIA_GPUS)
    except OSError:
        return  # no NVIDIA driver: a CPU machine
    if gpus:
        raise GPUUnusableError(
            f'{len(gpus)} GPU(s) are present ({NVIDIA_GPUS}) but torch '
            f'{torch.__version__} (CUDA {torch.version.cuda}) cannot use '
            'them (torch.cuda.is_available() is False; typically the driver '
            "is older than the wheel's CUDA); update the driver or install "
            'a matching torch, or set CUDA_VISIBLE_DEVICES= (or '
            'SUMIX_ALLOW_CPU=1) to train on the CPU')


class GPUUnusableError(ValueError):
    """GPUs are there but torch cannot use them."""


def apply_dist_cpu_fix() -> None:
    """Patch MMEngine's PyTorch launcher and DDP wrapper for CPU use."""
    import mmengine.dist.utils as dist_utils
    from mmengine.model.wrappers import MMDistributedDataParallel

    original_init = dist_utils._init_dist_pytorch
    if not getattr(original_init, _PATCHED, False):

        @functools.wraps(original_init)
        def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
            if torch.cuda.is_available():
                return original_init(backend, init_backend, **kwargs)
            check_cpu_fallback_wanted()
            if backend in ('nccl', None):
                backend = 'gloo'
            torch.distributed.init_process_group(backend=backend, **kwargs)

        setattr(_init_dist_pytorch, _PATCHED, True)
        dist_utils._init_dist_pytorch = _init_dist_pytorch

    original_slurm = dist_utils._init_dist_slurm
    if not getattr(original_slurm, _PATCHED, False):

        @functools.wraps(original_slurm)
        def _init_dist_slurm(backend, port=None, init_backend='torch',
                             **kwargs):
            if torch.cuda.is_available():
                return original_slurm(backend, port, init_backend, **kwargs)
            check_cpu_fallback_wanted()
            if backend in ('nccl', None):
                backend = 'gloo'
            # without SLURM_LOCALID MMEngine divides by the GPU count (0)
            os.environ.setdefault('SLURM_LOCALID', '0')
            with _cuda_set_device_disabled():
                return original_slurm(backend, port, init_backend, **kwargs)

        setattr(_init_dist_slurm, _PATCHED, True)
        dist_utils._init_dist_slurm = _init_dist_slurm

    original_ddp_init = MMDistributedDataParallel.__init__
    if not getattr(original_ddp_init, _PATCHED, False):

        @functools.wraps(original_ddp_init)
        def __init__(self, module, *args, **kwargs):
            param = next(module.parameters(), None)
            if param is not None and param.device.type == 'cpu':
                kwargs.pop('device_ids', None)
                kwargs.pop('output_device', None)
            original_ddp_init(self, module, *args, **kwargs)

        setattr(__init__, _PATCHED, True)
        MMDistributedDataParallel.__init__ = __init__


@contextlib.contextmanager
def _cuda_set_device_disabled():
    """Make ``torch.cuda.set_device`` a no-op (CPU-only machines only)."""
    original = torch.cuda.set_device
    torch.cuda.set_device = lambda device: None
    try:
        yield
    finally:
        torch.cuda.set_device = original
