"""Compatibility fixes for the pinned stack, applied once on ``import sumix_ext``.

Each fix is small, idempotent and tested in ``tests/test_compat``:

* :mod:`.torch_load` - torch>=2.6 loads with ``weights_only=True``, which
  rejects the MMEngine objects stored in every MMEngine checkpoint.
* :mod:`.mmcv_hue` - numpy 2 makes ``mmcv.adjust_hue`` overflow for a
  negative hue factor.
* :mod:`.dist_cpu` - MMEngine's ``launcher='pytorch'`` assumes CUDA.
* :mod:`.image_load` - a corrupt/truncated image is named by path.
* :mod:`.config_merge` - a child's dict fills a ``None`` of its base
  (``sumix=None`` can be switched on by a child or ``--cfg-options``).
"""
from .config_merge import apply_config_merge_fix
from .dist_cpu import apply_dist_cpu_fix
from .image_load import apply_image_load_fix
from .mmcv_hue import adjust_hue, apply_mmcv_hue_fix
from .torch_load import (UNSAFE_LOAD_ENV, allow_unsafe_load,
                         apply_torch_load_fix, safe_torch_load,
                         unsafe_load_scope)


def apply_all() -> None:
    """Apply every compatibility fix (safe to call many times)."""
    apply_torch_load_fix()
    apply_mmcv_hue_fix()
    apply_dist_cpu_fix()
    apply_image_load_fix()
    apply_config_merge_fix()


__all__ = [
    'apply_all', 'apply_torch_load_fix', 'apply_mmcv_hue_fix',
    'apply_dist_cpu_fix', 'apply_image_load_fix', 'adjust_hue',
    'apply_config_merge_fix',
    'safe_torch_load', 'allow_unsafe_load', 'UNSAFE_LOAD_ENV',
    'unsafe_load_scope'
]
