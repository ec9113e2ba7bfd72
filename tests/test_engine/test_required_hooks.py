"""Our hooks survive a child config's own custom_hooks list, and EMA (an
mmpretrain recipe staple) trains with a mixer and SUMix."""
import os.path as osp

import torch

from sumix_ext.engine.runner.sumix_runner import with_required_hooks
from tests.conftest import tiny_fmnist_cfg_options
from tests.test_apis.test_bad_inputs import (  # noqa: F401  (fixtures)
    TRAIN, _cfg, _fast_config_text, data)


def test_required_hooks_are_added_once():
    assert [h['type'] for h in with_required_hooks(None)] == [
        'RNGStateHook', 'SanityCheckHook']
    hooks = with_required_hooks([dict(type='EMAHook'),
                                 dict(type='SanityCheckHook',
                                      check_channels=False)])
    assert [h['type'] for h in hooks] == ['EMAHook', 'SanityCheckHook',
                                          'RNGStateHook']
    assert hooks[1]['check_channels'] is False  # the user's settings kept


def test_child_custom_hooks_keep_ours_and_ema_trains(data, tmp_path):
    cfg = _cfg(tmp_path, "custom_hooks = [dict(type='EMAHook', "
               "momentum=0.5)]")
    work = str(tmp_path / 'w')
    TRAIN.main([cfg] + tiny_fmnist_cfg_options(data, work, epochs=1))
    ckpt = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu',
                      weights_only=True)
    # RNGStateHook ran (RNG states in the checkpoint) and EMA kept its own
    # averaged copy of the weights, different from the raw ones
    assert 'rng_states' in ckpt['meta'] or 'rng_states' in ckpt
    ema = {k[len('module.'):]: v for k, v in ckpt['ema_state_dict'].items()
           if k.startswith('module.')}
    key = 'head.fc.weight'
    assert not torch.equal(ema[key], ckpt['state_dict'][key])
