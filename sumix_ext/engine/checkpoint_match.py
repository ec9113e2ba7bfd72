"""Refuse to evaluate or resume a model that a checkpoint does not fit.

MMEngine loads ``load_from`` and ``tools/test.py`` checkpoints with
``strict=False``: a checkpoint of another model (another width, another
number of classes, or none of the keys) only logs "missing keys / size
mismatch" and the run reports chance accuracy or silently trains from
scratch. :func:`check_checkpoint_fits` compares keys and shapes first and
stops with one line; ``allow_partial=True`` (``load_partial=True`` in a
config, ``--partial-load`` on the command line) opts into a partial load,
e.g. a backbone without its head.
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import torch


class CheckpointMismatchError(ValueError):
    """A checkpoint does not fit the model; the message says how."""


def _state_dict(checkpoint) -> Dict[str, torch.Tensor]:
    if isinstance(checkpoint, dict) and isinstance(
            checkpoint.get('state_dict'), dict):
        checkpoint = checkpoint['state_dict']
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(
            f'the file holds a {type(checkpoint).__name__}, not a state '
            'dict; give a checkpoint saved by tools/train.py')
    return {k[7:] if k.startswith('module.') else k: v
            for k, v in checkpoint.items()}


def compare(model: torch.nn.Module, state: Dict[str, torch.Tensor]
            ) -> Tuple[List[str], List[str], List[str]]:
    """Keys of ``model`` missing from ``state``, keys of ``state`` the model
    lacks, and common keys whose shapes differ.

    Args:
        model (nn.Module): The model (unwrapped).
        state (dict): A state dict.

    Returns:
        tuple: ``(missing, unexpected, mismatched)`` sorted key lists.
    """
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    mismatched = sorted(
        k for k in set(own) & set(state)
        if hasattr(state[k], 'shape') and tuple(state[k].shape) != tuple(
            own[k].shape))
    return missing, unexpected, mismatched


def _trained_with(checkpoint) -> Optional[str]:
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    cfg = (meta or {}).get('cfg') if isinstance(meta, dict) else None
    if not isinstance(cfg, str):
        return None
    for line in cfg.splitlines():
        if line.startswith('work_dir'):
            return line.split('=', 1)[1].strip().strip('\'"')
    return None


def check_checkpoint_fits(model: torch.nn.Module, checkpoint, path: str,
                          allow_partial: bool = False) -> None:
    """Raise :class:`CheckpointMismatchError` if ``checkpoint`` does not fit
    ``model`` exactly (unless ``allow_partial`` and at least one key fits).

    Args:
        model (nn.Module): The unwrapped model.
        checkpoint: The loaded checkpoint (dict with ``state_dict``).
        path (str): Its file name, for the message.
        allow_partial (bool): Accept missing/unexpected keys (shape
            mismatches and a checkpoint with no matching key at all are
            still refused).
    """
    state = _state_dict(checkpoint)
    missing, unexpected, mismatched = compare(model, state)
    fitting = len(set(model.state_dict()) & set(state)) - len(mismatched)
    if not (missing or unexpected or mismatched):
        return
    if allow_partial and fitting > 0 and not mismatched:
        return
    parts = []
    for name, keys in (('missing', missing), ('unexpected', unexpected),
                       ('of another shape', mismatched)):
        if keys:
            shown = ', '.join(keys[:3]) + (', ...' if len(keys) > 3 else '')
            parts.append(f'{len(keys)} {name} ({shown})')
    origin = _trained_with(checkpoint)
    where = f' (trained in {origin})' if origin else ''
    fix = ('check that CONFIG is the one the checkpoint was trained with'
           if fitting > 0 else 'no key fits: it is a checkpoint of another '
           'model')
    raise CheckpointMismatchError(
        f'checkpoint {osp.basename(path)}{where} does not fit the model: '
        f"{'; '.join(parts)}; {fix}, or pass --partial-load (config: "
        'load_partial=True) to load what fits')
