"""RNGStateHook: snapshots survive ``weights_only`` loading and restore
python/numpy/torch streams; only ``--resume`` restores them."""
import random
from types import SimpleNamespace

import numpy as np
import torch

import sumix_ext  # noqa: F401  (allow-list for weights_only loading)
from sumix_ext.engine.hooks import RNGStateHook, get_rng_state, set_rng_state


def _draws():
    return (random.random(), float(np.random.beta(1.0, 1.0)),
            torch.randperm(8).tolist())


def test_snapshot_round_trip_through_weights_only_checkpoint(tmp_path):
    torch.manual_seed(1)
    np.random.seed(1)
    random.seed(1)
    _draws()
    path = str(tmp_path / 'rng.pth')
    torch.save({'rng_states': [get_rng_state()]}, path)
    expected = _draws()
    assert _draws() != expected  # the streams moved on
    loaded = torch.load(path, weights_only=True)
    set_rng_state(loaded['rng_states'][0])
    assert _draws() == expected


class _Logger:

    def __init__(self):
        self.messages = []

    def warning(self, msg):
        self.messages.append(msg)


def _runner(resume):
    return SimpleNamespace(_resume=resume, iter=5, logger=_Logger())


def test_hook_restores_only_when_resuming():
    hook = RNGStateHook()
    checkpoint = {}
    hook.before_save_checkpoint(_runner(False), checkpoint)
    expected = _draws()
    # load_from (fine-tuning): fresh randomness, nothing restored
    hook.after_load_checkpoint(_runner(False), checkpoint)
    hook.before_train(_runner(False))
    assert _draws() != expected
    # --resume: restored at before_train
    hook.after_load_checkpoint(_runner(True), checkpoint)
    hook.before_train(_runner(True))
    assert _draws() == expected


def test_old_checkpoint_without_states_warns():
    runner = _runner(True)
    RNGStateHook().after_load_checkpoint(runner, {'meta': {}})
    assert 'not bit-exact' in runner.logger.messages[0]


def test_validation_is_rng_neutral():
    hook = RNGStateHook()
    state = get_rng_state()
    expected = _draws()
    set_rng_state(state)
    hook.before_val_epoch(None)
    _draws()  # validation consumes random numbers
    hook.after_val_epoch(None)
    assert _draws() == expected
