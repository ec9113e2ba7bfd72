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
import re
import signal
import subprocess
import sys
import time

import pytest
import torch
from mmengine.config import Config

import sumix_ext  # noqa: F401
from sumix_ext.engine.runner import (SUMixRunner, checkpoint_problem,
                                     find_resumable_checkpoint)
from tests.conftest import REPO, make_fashion_mnist, run_tool
from tests.test_reliability.utils import write_tiny_cfg


def _wait_for(predicate, proc, timeout=240):
    start = time.time()
    while time.time() - start < timeout:
        if predicate():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def test_sigkill_mid_epoch_then_resume_finishes(tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=320,
                              n_test=16)
    cfg = write_tiny_cfg(str(tmp_path / 'tiny.py'), root, epochs=2)
    work = str(tmp_path / 'work')
    log_path = str(tmp_path / 'train.log')
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(
            [sys.executable, 'tools/train.py', cfg, '--work-dir', work],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        def in_epoch_2():
            with open(log_path) as f:
                text = f.read()
            return (osp.isfile(osp.join(work, 'epoch_1.pth'))
                    and re.search(r'Epoch\(train\)\s*\[2\]\[\s*3/20\]',
                                  text) is not None)

        assert _wait_for(in_epoch_2, proc), open(log_path).read()[-3000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))  # killed mid-epoch
    assert checkpoint_problem(osp.join(work, 'epoch_1.pth')) is None
    assert find_resumable_checkpoint(work) == osp.join(work, 'epoch_1.pth')
    out = run_tool(['tools/train.py', cfg, '--work-dir', work, '--resume'])
    text = out.stdout + out.stderr
    assert 'resumed epoch: 1' in text
    ckpt = torch.load(osp.join(work, 'epoch_2.pth'), map_location='cpu')
    assert ckpt['meta']['epoch'] == 2 and ckpt['meta']['iter'] == 40
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
