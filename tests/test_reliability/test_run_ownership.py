"""A run owns its work folder (issue 19): a second live run into it stops
at start-up, a stale lock is taken over, resume never crosses runs and
max_keep_ckpts deletes only the run's own files."""
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch

from sumix_ext.engine.runner.sumix_runner import (RUN_FILE,
                                                  checkpoint_run_id,
                                                  find_resumable_checkpoint)
from sumix_ext.engine.work_dir_lock import (LOCK_NAME, WorkDirBusyError,
                                            acquire, read_lock, release,
                                            work_dir_lock)
from tests.conftest import REPO, make_fashion_mnist
from tests.test_reliability.utils import write_tiny_cfg

ENV = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')


def train_cmd(cfg, work, *opts):
    return [sys.executable, 'tools/train.py', cfg, '--work-dir', work,
            '--cfg-options', *opts]


def start_slow_run(tmp_path, n_train, epochs, seconds, seed, hold=None):
    """A tiny run that sleeps after every iteration (and, with ``hold``,
    waits before its second iteration until that file exists), started in
    the background (with the default SIGINT handler, as in a terminal: a
    job started in the background inherits an ignored SIGINT); returns
    ``(process, work_dir, config)``."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=n_train)
    hooks = [f"dict(type='SleepAfterIterHook', seconds={seconds})"]
    if hold:
        hooks.append(f"dict(type='WaitForFileHook', path={hold!r})")
    slow = (f"custom_hooks = [{', '.join(hooks)}]\ncustom_imports = dict("
            "imports=['sumix_ext', 'tests.test_reliability.kill_hook'])")
    cfg = write_tiny_cfg(str(tmp_path / 'cfg.py'), root, epochs=epochs,
                         extra=slow)
    work = str(tmp_path / 'w')
    proc = subprocess.Popen(train_cmd(cfg, work, f'randomness.seed={seed}'),
                            cwd=REPO, env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(
                                signal.SIGINT, signal.SIG_DFL))
    return proc, work, cfg


def wait_for(path, proc, timeout=90.0):
    """Until ``path`` exists or ``proc`` ended."""
    for _ in range(int(timeout * 10)):
        if osp.exists(path) or proc.poll() is not None:
            return
        time.sleep(0.1)


def meta(path):
    return torch.load(path, map_location='cpu', weights_only=False)['meta']


def test_lock_records_the_owner_and_refuses_a_second_owner(tmp_path):
    work = str(tmp_path / 'w')
    acquire(work, command='first run')
    owner = read_lock(work)
    assert owner['pid'] == os.getpid() and owner['command'] == 'first run'
    # a live owner (here: a sleeping child of this test) blocks the folder
    child = subprocess.Popen([sys.executable, '-c', 'import time; '
                              'time.sleep(30)'])
    try:
        with open(osp.join(work, LOCK_NAME), 'w') as f:
            json.dump(dict(owner, pid=child.pid), f)
        with pytest.raises(WorkDirBusyError, match='another --work-dir'):
            acquire(work)
    finally:
        child.kill()
        child.wait()
    # its process is gone: the lock is stale and taken over with a warning
    with pytest.warns(UserWarning, match='taking over the lock'):
        acquire(work)
    assert read_lock(work)['pid'] == os.getpid()
    release(work)
    assert read_lock(work) is None


def test_other_ranks_share_rank_zeros_lock(tmp_path, monkeypatch):
    work = str(tmp_path / 'w')
    monkeypatch.setenv('RANK', '1')
    with work_dir_lock(work):
        assert read_lock(work) is None  # rank 1 takes nothing
    monkeypatch.setenv('RANK', '0')
    with work_dir_lock(work):
        assert read_lock(work)['pid'] == os.getpid()
    assert read_lock(work) is None  # freed at the end of the run


def test_two_runs_into_one_folder(tmp_path):
    """The second run, started while the first holds the folder, stops at
    start-up with one line; every checkpoint is the first run's."""
    release = tmp_path / 'release'
    first, work, cfg = start_slow_run(tmp_path, 64, 3, 0.1, seed=1,
                                      hold=str(release))
    lock = osp.join(work, LOCK_NAME)
    wait_for(lock, first, timeout=120)
    second = subprocess.run(train_cmd(cfg, work, 'randomness.seed=2'),
                            cwd=REPO, env=ENV, capture_output=True,
                            text=True, timeout=300)
    assert first.poll() is None  # the first run was still going
    release.touch()
    assert first.wait(timeout=300) == 0, first.stderr.read()[-2000:]
    first.stderr.close()
    assert second.returncode == 2
    last = second.stderr.strip().splitlines()[-1]
    assert 'in use by another run' in last and '--work-dir' in last
    assert f'pid {first.pid}' in second.stderr
    ckpts = sorted(f for f in os.listdir(work) if f.endswith('.pth'))
    assert ckpts == ['epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth']
    for name in ckpts:
        assert meta(osp.join(work, name))['seed'] == 1, name
    assert not osp.exists(lock)  # freed at the end


def test_resume_never_crosses_runs_and_keeps_this_runs_files(tmp_path):
    """Case 2: an old run's epoch_2..4 in the folder (max_keep_ckpts=3); a
    fresh run with another lr killed after its own epoch_2; --resume
    continues the fresh run from its epoch_2, never the old epoch_4."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32)
    keep = "default_hooks = dict(checkpoint=dict(interval=1, " \
        "max_keep_ckpts=3))"
    cfg = write_tiny_cfg(str(tmp_path / 'cfg.py'), root, epochs=4,
                         extra=keep)
    work = str(tmp_path / 'w')
    old = subprocess.run(train_cmd(cfg, work, 'optim_wrapper.optimizer.lr='
                                   '0.1'), cwd=REPO, env=ENV,
                         capture_output=True, text=True, timeout=300)
    assert old.returncode == 0, old.stderr[-2000:]
    old_id = json.load(open(osp.join(work, RUN_FILE)))['run_id']
    assert sorted(f for f in os.listdir(work) if f.endswith('.pth')) == [
        'epoch_2.pth', 'epoch_3.pth', 'epoch_4.pth']
    kill = ("custom_hooks = [dict(type='KillAtIterHook', at=5)]\n"
            "custom_imports = dict(imports=['sumix_ext', "
            "'tests.test_reliability.kill_hook'])")
    new_cfg = write_tiny_cfg(str(tmp_path / 'new.py'), root, epochs=4,
                             extra=keep + '\n' + kill)
    new = subprocess.run(train_cmd(new_cfg, work, 'optim_wrapper.optimizer.'
                                   'lr=0.05'), cwd=REPO, env=ENV,
                         capture_output=True, text=True, timeout=300)
    assert new.returncode == -signal.SIGKILL, new.stderr[-2000:]
    # the old run's files moved into its own log folder before the new run
    # wrote anything (issue 37), and the first stderr line says where
    first_line = new.stderr.strip().splitlines()[0]
    assert 'held another run' in first_line, new.stderr[-2000:]
    archive = first_line.split(' to ', 1)[1].split(' before ')[0]
    assert sorted(f for f in os.listdir(archive) if f.endswith('.pth')) \
        == ['epoch_2.pth', 'epoch_3.pth', 'epoch_4.pth']
    for n in (2, 3, 4):
        assert checkpoint_run_id(osp.join(archive, f'epoch_{n}.pth')) \
            == old_id
    new_id = json.load(open(osp.join(work, RUN_FILE)))['run_id']
    assert new_id != old_id
    assert checkpoint_run_id(osp.join(work, 'epoch_2.pth')) == new_id
    assert not osp.exists(osp.join(work, 'epoch_4.pth'))
    # resume: the new run's epoch_2, not the old run's "newer" epoch_4
    assert find_resumable_checkpoint(work) == osp.join(work, 'epoch_2.pth')
    res = subprocess.run(train_cmd(cfg, work, 'optim_wrapper.optimizer.lr='
                                   '0.05') + ['--resume'], cwd=REPO,
                         env=ENV, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'Auto resumed from ' + osp.join(work, 'epoch_2.pth') in res.stdout
    # the new run trained epochs 3 and 4 and kept its own last three
    assert sorted(f for f in os.listdir(work) if f.endswith('.pth')) == [
        'epoch_2.pth', 'epoch_3.pth', 'epoch_4.pth']
    for n in (2, 3, 4):
        assert checkpoint_run_id(osp.join(work, f'epoch_{n}.pth')) == new_id
    with open(osp.join(work, 'last_checkpoint')) as f:
        assert osp.isfile(f.read().strip())


def test_auto_resume_with_nothing_to_resume_says_so(tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32)
    cfg = write_tiny_cfg(str(tmp_path / 'cfg.py'), root, epochs=1)
    work = str(tmp_path / 'w')
    os.makedirs(work)
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(work, 'epoch_7.pth'))  # names a missing file
    res = subprocess.run(train_cmd(cfg, work, 'randomness.seed=0') +
                         ['--resume'], cwd=REPO, env=ENV,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    out = res.stdout + res.stderr
    assert f'nothing to resume in {work}; starting from scratch' in out
    assert 'Auto resumed from the latest checkpoint None' not in out


def test_ctrl_c_is_one_line_and_loses_nothing(tmp_path):
    """Case 9: SIGINT mid-run: exit 130, one line (no traceback), the
    complete checkpoints stay, the lock is freed, --resume continues."""
    proc, work, _ = start_slow_run(tmp_path, 32, 6, 0.5, seed=0)
    wait_for(osp.join(work, 'epoch_1.pth'), proc)
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == 130, err[-2000:]
    assert 'Traceback' not in err
    assert err.strip().splitlines()[-1].startswith(
        'error: interrupted (Ctrl-C)')
    assert '--resume' in err.strip().splitlines()[-1]
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    assert not osp.exists(osp.join(work, LOCK_NAME))
