"""Build a mixer from a config dict with errors that name the fix."""
import difflib
from typing import Callable, Union

from mmpretrain.registry import BATCH_AUGMENTS


#: mmpretrain's batch augments (``train_cfg.augments``) -> our mixer with
#: the same maths, the one ``model.mixer`` can run
MMPRETRAIN_EQUIVALENTS = {'Mixup': 'BatchMixup', 'CutMix': 'BatchCutMix',
                          'ResizeMix': 'BatchResizeMix'}


def known_mixers() -> list:
    """Names of the mixers ``model.mixer`` can run: every registered batch
    augment except mmpretrain's own (those label with one-hot scores and
    belong in ``train_cfg.augments``; see :data:`MMPRETRAIN_EQUIVALENTS`).
    """
    BATCH_AUGMENTS.import_from_location()
    return sorted(n for n in BATCH_AUGMENTS.module_dict
                  if n not in MMPRETRAIN_EQUIVALENTS)


def build_mixer(cfg: Union[dict, Callable]) -> Callable:
    """Build a mixer from ``dict(type=..., **kwargs)``.

    Args:
        cfg (dict | callable): Mixer config, or an already built mixer.

    Returns:
        callable: The mixer.

    Raises:
        KeyError: Unknown ``type`` (the message lists the known names).
        TypeError: ``cfg`` is neither a dict nor callable.
    """
    if callable(cfg) and not isinstance(cfg, dict):
        return cfg
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f"mixer must be a dict with a 'type' key, e.g. "
                        f"dict(type='BatchCutMix', alpha=0.2); got {cfg!r}")
    name = cfg['type']
    if name in MMPRETRAIN_EQUIVALENTS:
        ours = MMPRETRAIN_EQUIVALENTS[name]
        raise KeyError(
            f"mixer '{name}' is mmpretrain's batch augment (it mixes one-hot "
            'scores and belongs in train_cfg.augments); in model.mixer use '
            f"'{ours}' (the same maths, with the mask and exact lam SUMix "
            f"needs): type='{ours}'")
    if isinstance(name, str) and name not in BATCH_AUGMENTS.module_dict:
        names = known_mixers()
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ''
            raise KeyError(f"unknown mixer '{name}'.{hint} Known mixers: "
                           f"{', '.join(names)}")
    return BATCH_AUGMENTS.build(dict(cfg))
