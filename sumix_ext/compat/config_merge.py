"""A dict in a child config (or ``--cfg-options``) fills a ``None`` of its
base, as an empty dict would.

MMEngine 0.10.x refuses to merge a dict into ``None`` ("cannot inherit from
base ... set `_delete_=True`"), so a SUMix-off config (``sumix=None``) could
not be switched on by a child's ``model = dict(sumix=dict(type=
'SUMixLoss'))`` nor by ``--cfg-options model.sumix.type=SUMixLoss``; the
same for ``mixer=None``. Ablations in both directions are the product's main
use, so a ``None`` in the base is treated as ``{}`` when the child gives a
dict; everything else merges exactly as before.
"""
from mmengine.config import Config, ConfigDict

_ORIGINAL = Config._merge_a_into_b


def _merge_a_into_b(a: dict, b: dict, allow_list_keys: bool = False):
    if isinstance(a, dict) and isinstance(b, dict):
        nones = [k for k, v in a.items()
                 if isinstance(v, dict) and k in b and b[k] is None]
        if nones:
            b = b.copy()
            for k in nones:
                b[k] = ConfigDict()
    return _ORIGINAL(a, b, allow_list_keys)


def apply_config_merge_fix() -> None:
    """Install :func:`_merge_a_into_b` on MMEngine's ``Config``."""
    if getattr(Config._merge_a_into_b, '__name__', '') != 'merge_into_none':
        wrapped = staticmethod(_merge_a_into_b)
        _merge_a_into_b.__name__ = 'merge_into_none'
        Config._merge_a_into_b = wrapped
