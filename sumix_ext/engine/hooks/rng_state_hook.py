"""Save and restore every global RNG so ``--resume`` continues exactly."""
import random
from typing import Any, Dict, List, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

CKPT_KEY = 'rng_states'


def get_rng_state() -> Dict[str, Any]:
    """Snapshot python ``random``, numpy's global and torch's RNGs.

    The mixers draw ``lam`` from numpy's global RNG and the partner
    permutation from torch's; random transforms in the data pipeline use
    numpy/python ``random``. numpy's state is stored as plain types (str,
    ndarray, ints, float) so it loads with ``torch.load(weights_only=True)``.

    Returns:
        dict: ``python``, ``numpy``, ``torch`` and (with CUDA) ``cuda``.
    """
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    state = dict(
        python=random.getstate(),
        numpy=dict(name=name, keys=np.asarray(keys), pos=int(pos),
                   has_gauss=int(has_gauss), gauss=float(gauss)),
        torch=torch.get_rng_state(),
    )
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: Dict[str, Any]) -> None:
    """Restore a snapshot made by :func:`get_rng_state`.

    Args:
        state (dict): The snapshot.
    """
    py = state['python']
    random.setstate((py[0], tuple(py[1]), py[2]))
    npy = state['numpy']
    np.random.set_state((npy['name'], np.asarray(npy['keys'], np.uint32),
                         npy['pos'], npy['has_gauss'], npy['gauss']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        cuda = state['cuda']
        if len(cuda) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda)


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Store the global RNG states in checkpoints; restore them on resume.

    With it, training ``2 + 2`` epochs with ``--resume`` draws the same
    mixing ratios, partner permutations and random augmentations as
    training 4 epochs straight (the data order is already restored by
    MMEngine: ``DefaultSampler`` shuffles with ``seed + epoch``).

    * ``before_save_checkpoint``: ``checkpoint['rng_states']`` = one
      snapshot per rank (gathered at the end of each train epoch under DDP;
      a single process stores its own).
    * ``after_load_checkpoint`` (only when resuming, not for ``load_from``):
      keep the snapshot of this rank; it is applied at the end of
      ``before_train``, after everything MMEngine does on resume (which may
      reseed), right before the first resumed iteration.
    * Validation during training is made RNG-neutral (states saved before
      and restored after), so the training draws do not depend on whether
      or how often validation runs - a resumed run skips the validation
      that followed the checkpoint in the original run.

    Args:
        neutral_val (bool): Make validation RNG-neutral. Defaults to True.
    """

    # before CheckpointHook (VERY_LOW), which saves in after_train_epoch
    priority = 'LOW'

    def __init__(self, neutral_val: bool = True):
        self.neutral_val = neutral_val
        self._gathered: Optional[List[Dict[str, Any]]] = None
        self._gathered_iter: Optional[int] = None
        self._pending: Optional[Dict[str, Any]] = None
        self._val_state: Optional[Dict[str, Any]] = None

    # ------------------------------------------------------------- saving
    def after_train_epoch(self, runner) -> None:
        """Under DDP, gather every rank's state for the next checkpoint."""
        if get_world_size() > 1:
            self._gathered = all_gather_object(get_rng_state())
            self._gathered_iter = runner.iter

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Add ``rng_states`` (a list indexed by rank) to the checkpoint."""
        states = [get_rng_state()]
        if (get_world_size() > 1 and self._gathered is not None
                and self._gathered_iter == runner.iter):
            states = self._gathered
        checkpoint[CKPT_KEY] = states

    # ------------------------------------------------------------ loading
    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep this rank's snapshot when resuming (applied in
        ``before_train``)."""
        if not getattr(runner, '_resume', False):
            return  # load_from / fine-tuning: fresh randomness
        states = checkpoint.get(CKPT_KEY)
        if not states:
            runner.logger.warning(
                'RNGStateHook: the checkpoint has no RNG states (written '
                'without this hook); the resumed run is not bit-exact')
            return
        rank = get_rank()
        if len(states) != get_world_size():
            runner.logger.warning(
                f'RNGStateHook: checkpoint has RNG states of {len(states)} '
                f'process(es), this run has {get_world_size()}; every rank '
                'restores rank 0 state')
            rank = 0
        self._pending = states[rank]

    def before_train(self, runner) -> None:
        if self._pending is not None:
            set_rng_state(self._pending)
            self._pending = None

    # ------------------------------------------------------- neutral val
    def before_val_epoch(self, runner) -> None:
        if self.neutral_val:
            self._val_state = get_rng_state()

    def after_val_epoch(self, runner, metrics=None) -> None:
        if self._val_state is not None:
            set_rng_state(self._val_state)
            self._val_state = None
