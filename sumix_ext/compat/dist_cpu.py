"""Make MMEngine's ``launcher='pytorch'`` work on a machine without GPUs.

MMEngine 0.10 always calls ``torch.cuda.set_device(LOCAL_RANK)`` in
``_init_dist_pytorch`` and passes ``device_ids=[LOCAL_RANK]`` to
``MMDistributedDataParallel``; both fail without CUDA. On a CPU-only
machine we skip ``set_device``, switch an ``nccl`` backend to ``gloo``
and wrap CPU modules without ``device_ids``. GPU machines are untouched.
"""
import functools

import torch

_PATCHED = '_sumix_cpu_patched'


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
            if backend in ('nccl', None):
                backend = 'gloo'
            torch.distributed.init_process_group(backend=backend, **kwargs)

        setattr(_init_dist_pytorch, _PATCHED, True)
        dist_utils._init_dist_pytorch = _init_dist_pytorch

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
