"""Issue #6, guarantee 2: crash safety.

* SIGKILL mid-epoch, then ``--resume``: continues from the last complete
  checkpoint and finishes.
* A checkpoint is written to ``<name>.tmp``, fsynced and renamed, so a
  crash while saving never leaves a half-written ``epoch_N.pth``.
* A damaged ``last_checkpoint`` target falls back to the newest complete
  checkpoint; ``*.tmp`` leftovers are never loaded.
"""
import os
import os.path as osp
import signal
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

import sumix_ext  # noqa: F401
from sumix_ext.engine.runner import (SUMixRunner, checkpoint_problem,
                                     find_resumable_checkpoint)
from tests.conftest import REPO, make_fashion_mnist, run_tool
from tests.test_reliability.utils import write_tiny_cfg


def test_sigkill_mid_epoch_then_resume_equals_uninterrupted(tmp_path):
    """kill -9 at a fixed iteration of epoch 2 (a test hook, no log
    polling), then --resume: the final weights equal, bit for bit, those
    of a run that was never interrupted."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=320,
                              n_test=16)
    cfg = write_tiny_cfg(str(tmp_path / 'tiny.py'), root, epochs=2)
    killed = write_tiny_cfg(str(tmp_path / 'killed.py'), root, epochs=2,
                            extra=(
        "custom_imports = dict(imports=['sumix_ext', "
        "'tests.test_reliability.kill_hook'])\n"
        "custom_hooks = [dict(type='RNGStateHook'), "
        "dict(type='SanityCheckHook'), dict(type='KillAtIterHook', "
        'at=25)]\n'))
    work, straight = str(tmp_path / 'work'), str(tmp_path / 'straight')
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', killed, '--work-dir', work],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))  # killed mid-epoch
    assert checkpoint_problem(osp.join(work, 'epoch_1.pth')) is None
    assert find_resumable_checkpoint(work) == osp.join(work, 'epoch_1.pth')
    out = run_tool(['tools/train.py', cfg, '--work-dir', work, '--resume'])
    assert 'resumed epoch: 1' in out.stdout + out.stderr
    run_tool(['tools/train.py', cfg, '--work-dir', straight])
    resumed = torch.load(osp.join(work, 'epoch_2.pth'), map_location='cpu')
    ref = torch.load(osp.join(straight, 'epoch_2.pth'), map_location='cpu')
    assert resumed['meta']['epoch'] == 2 and resumed['meta']['iter'] == 40
    assert resumed['state_dict'].keys() == ref['state_dict'].keys()
    for key, value in ref['state_dict'].items():
        assert torch.equal(resumed['state_dict'][key], value), key
    assert not [f for f in os.listdir(work) if f.endswith('.tmp')]


# ------------------------------------------------ atomic save, in-process
@pytest.fixture
def runner(tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32, n_test=16)
    cfg = Config.fromfile(write_tiny_cfg(str(tmp_path / 'tiny.py'), root))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.log_level = 'WARNING'
    runner = SUMixRunner.from_cfg(cfg)
    yield runner
    from mmengine.logging import MessageHub, MMLogger
    from mmengine.visualization import Visualizer
    for cls in (MMLogger, MessageHub, Visualizer):
        cls._instance_dict.pop(runner.experiment_name, None)


def _save(runner, name='epoch_1.pth'):
    runner.save_checkpoint(runner.work_dir, name, save_optimizer=False,
                           save_param_scheduler=False)
    return osp.join(runner.work_dir, name)


def test_crash_while_saving_keeps_the_old_checkpoint(runner, monkeypatch):
    path = _save(runner)
    with open(path, 'rb') as f:
        before = f.read()
    assert not osp.exists(path + '.tmp')

    import mmengine.runner.runner as runner_module
    real_save = runner_module.save_checkpoint

    def dies_half_way(checkpoint, filename, **kwargs):
        real_save(checkpoint, filename, **kwargs)
        with open(filename, 'r+b') as f:  # the process dies mid-write
            f.truncate(os.path.getsize(filename) // 2)
        raise KeyboardInterrupt('killed while saving')

    monkeypatch.setattr(runner_module, 'save_checkpoint', dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        _save(runner)
    with open(path, 'rb') as f:
        assert f.read() == before  # the complete old file is untouched
    assert checkpoint_problem(path + '.tmp') is not None
    assert find_resumable_checkpoint(runner.work_dir) == path
    runner._remove_stale_tmp()
    assert not osp.exists(path + '.tmp')


def _fake_ckpt(path, value):
    torch.save({'state_dict': {'w': torch.full((64, ), value)}}, path)
    return path


def test_bad_last_checkpoint_falls_back_to_newest_complete(tmp_path):
    work = str(tmp_path)
    one = _fake_ckpt(osp.join(work, 'epoch_1.pth'), 1.)
    two = _fake_ckpt(osp.join(work, 'epoch_2.pth'), 2.)
    three = _fake_ckpt(osp.join(work, 'epoch_3.pth'), 3.)
    with open(three, 'r+b') as f:
        f.truncate(osp.getsize(three) - 40)
    last = osp.join(work, 'last_checkpoint')
    with open(last, 'w') as f:
        f.write(three)
    assert 'truncated' in checkpoint_problem(three)
    assert find_resumable_checkpoint(work) == two
    with open(last, 'w') as f:  # killed while writing last_checkpoint
        f.write('')
    assert find_resumable_checkpoint(work) == two
    with open(last, 'w') as f:
        # killed after writing epoch_2.pth, before last_checkpoint moved on:
        # the newest complete checkpoint wins, not the stale pointer
        f.write(one)
    assert find_resumable_checkpoint(work) == two
    os.remove(two)
    assert find_resumable_checkpoint(work) == one
    custom = _fake_ckpt(osp.join(work, 'best.pth'), 5.)
    os.remove(one)
    with open(last, 'w') as f:  # no numbered file: the pointer is used
        f.write(custom)
    assert find_resumable_checkpoint(work) == custom
    os.remove(custom)
    os.remove(last)
    os.remove(three)
    assert find_resumable_checkpoint(work) is None
