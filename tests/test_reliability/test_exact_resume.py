"""Issue #6, guarantees 1 (exact resume) and 5 (determinism).

One straight 4-epoch run and one 2-epoch run resumed with ``--resume`` for
2 more, from the same config and seed (SUMix on, ``RandomMixer`` choosing
CutMix / Mixup / no mix, random crop + flip in the pipeline,
``randomness.deterministic=True``).
"""
import os.path as osp

import pytest
import torch

import sumix_ext  # noqa: F401  (safe torch.load of our checkpoints)
from tests.conftest import run_tool
from tests.test_reliability.utils import (json_logs, train_curve, val_metrics,
                                          write_tiny_cfg)


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    from tests.conftest import make_fashion_mnist
    tmp = tmp_path_factory.mktemp('resume')
    root = make_fashion_mnist(str(tmp / 'data'), n_train=48, n_test=16)
    cfg = write_tiny_cfg(str(tmp / 'tiny.py'), root, epochs=4)
    straight, split = str(tmp / 'straight'), str(tmp / 'split')
    run_tool(['tools/train.py', cfg, '--work-dir', straight])
    run_tool(['tools/train.py', cfg, '--work-dir', split, '--cfg-options',
              'train_cfg.max_epochs=2'])
    resumed = run_tool(['tools/train.py', cfg, '--work-dir', split,
                        '--resume'])
    return dict(straight=straight, split=split,
                resume_log=resumed.stdout + resumed.stderr)


def _state(work_dir):
    return torch.load(osp.join(work_dir, 'epoch_4.pth'),
                      map_location='cpu')


def test_resume_gives_identical_weights_and_metrics(runs):
    assert 'resumed epoch: 2' in runs['resume_log']
    a, b = _state(runs['straight']), _state(runs['split'])
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    # optimizer momentum buffers too
    for pa, pb in zip(a['optimizer']['state'].values(),
                      b['optimizer']['state'].values()):
        assert torch.equal(pa['momentum_buffer'], pb['momentum_buffer'])
    logs_a, logs_b = json_logs(runs['straight']), json_logs(runs['split'])
    curve_a = train_curve(logs_a, epochs=(3, 4))
    curve_b = train_curve(logs_b, epochs=(3, 4))
    assert len(curve_a) == 2 * 3  # 48 samples / batch 16, per epoch
    assert curve_a == curve_b
    # the random chooser really mixed differently across iterations
    assert len({round(c[2]['lam'], 6) for c in curve_a}) > 1
    assert val_metrics(logs_a) == val_metrics(logs_b)


def test_resume_without_rng_restore_would_differ(runs):
    """The test above can fail: the RNG states the hook restores are not
    the ones a fresh process starts with."""
    ckpt = torch.load(osp.join(runs['split'], 'epoch_2.pth'),
                      map_location='cpu')
    state = ckpt['rng_states'][0]
    torch.manual_seed(3)
    assert not torch.equal(state['torch'], torch.get_rng_state())


def test_same_config_and_seed_give_identical_loss_curves(runs):
    """Determinism: the straight run and the first part of the split run
    are two independent fresh runs of the same config and seed."""
    first_a = train_curve(json_logs(runs['straight']), epochs=(1, 2))
    first_b = train_curve(json_logs(runs['split']), epochs=(1, 2))
    assert len(first_a) == 6 and first_a == first_b
