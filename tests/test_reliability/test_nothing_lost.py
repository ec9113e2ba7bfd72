"""Nothing lost between runs (issue 37): a finished run's files survive a
new run into its folder, a copied folder resumes from its own files, a
full disk names the file and leaves no partial ``.tmp``, SIGTERM frees the
lock with one line, and a dead rank ends a distributed launch with one
``error:`` line. Real processes wherever the case is about processes."""
import errno
import hashlib
import os
import os.path as osp
import shutil
import signal
import subprocess
import sys

import pytest

from sumix_ext.commands import train as TRAIN
from sumix_ext.engine.runner.resume import (RUN_FILE, checkpoint_problem,
                                            read_last_run)
from sumix_ext.engine.work_dir_lock import LOCK_NAME
from tests.conftest import REPO, make_fashion_mnist, tiny_fmnist_cfg_options
from tests.test_reliability.test_run_ownership import (ENV, meta,
                                                       start_slow_run,
                                                       train_cmd, wait_for)
from tests.test_reliability.utils import DEMO, write_tiny_cfg
from tests.test_tools.test_launchers import free_port, run_sh


def _digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def _run(cmd, timeout=300):
    return subprocess.run(cmd, cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=timeout)


def test_a_new_run_keeps_every_file_of_the_finished_run(tmp_path):
    """The same command twice into one folder (seed 1, then seed 2): every
    checkpoint and the config of the first run move, byte for byte, into
    its own timestamped log folder; the first stderr line says where; the
    second run's files take the top of the folder."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32)
    cfg = write_tiny_cfg(str(tmp_path / 'cfg.py'), root, epochs=2)
    work = str(tmp_path / 'w')
    first = _run(train_cmd(cfg, work, 'randomness.seed=1'))
    assert first.returncode == 0, first.stderr[-2000:]
    kept = {f: _digest(osp.join(work, f)) for f in os.listdir(work)
            if f.endswith(('.pth', '.py')) or f == RUN_FILE}
    assert {'epoch_1.pth', 'epoch_2.pth', 'cfg.py'} <= set(kept)
    first_id = read_last_run(work)['run_id']
    logs = [d for d in os.listdir(work) if osp.isdir(osp.join(work, d))]
    assert len(logs) == 1  # the first run's timestamped log folder
    # evaluating a checkpoint of the folder moves nothing
    test = _run([sys.executable, 'tools/test.py', cfg,
                 osp.join(work, 'epoch_2.pth'), '--work-dir', work])
    assert test.returncode == 0, test.stderr[-2000:]
    assert 'held another run' not in test.stderr
    assert {f: _digest(osp.join(work, f)) for f in kept} == kept
    logs = sorted(d for d in os.listdir(work)
                  if osp.isdir(osp.join(work, d)))[:1]

    second = _run(train_cmd(cfg, work, 'randomness.seed=2'))
    assert second.returncode == 0, second.stderr[-2000:]
    line = second.stderr.strip().splitlines()[0]
    archive = osp.join(work, logs[0])
    assert line.startswith(f'{osp.abspath(work)} held another run '
                           f'(run {first_id}): moved its'), line
    assert f'to {archive} before this fresh run writes' in line
    assert f'--resume {osp.join(archive, "epoch_2.pth")}' in line
    for name, digest in kept.items():
        assert _digest(osp.join(archive, name)) == digest, name
    for n in (1, 2):  # every moved checkpoint loads and carries seed 1
        moved = osp.join(archive, f'epoch_{n}.pth')
        assert checkpoint_problem(moved) is None
        assert meta(moved)['seed'] == 1
        assert meta(osp.join(work, f'epoch_{n}.pth'))['seed'] == 2
    with open(osp.join(archive, 'cfg.py')) as f:
        assert 'seed=1' in f.read()
    with open(osp.join(work, 'cfg.py')) as f:
        assert 'seed=2' in f.read()
    with open(osp.join(archive, 'last_checkpoint')) as f:
        assert f.read().strip() == osp.join(archive, 'epoch_2.pth')
    assert read_last_run(work)['run_id'] != first_id


def test_a_copied_work_folder_resumes_from_its_own_files(tmp_path):
    """Copy W (1 of 2 epochs done) to W2 and --resume in W2: it continues
    from W2/epoch_1.pth (last_checkpoint's absolute path names W's file)
    and says so; W is left as it was."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32)
    cfg = write_tiny_cfg(str(tmp_path / 'cfg.py'), root, epochs=2)
    work, copy = str(tmp_path / 'w'), str(tmp_path / 'w2')
    res = _run(train_cmd(cfg, work, 'train_cfg.max_epochs=1'))
    assert res.returncode == 0, res.stderr[-2000:]
    shutil.copytree(work, copy)
    before = sorted(os.listdir(work))
    res = _run(train_cmd(cfg, copy, 'randomness.seed=3') + ['--resume'])
    assert res.returncode == 0, res.stderr[-2000:]
    out = res.stdout + res.stderr
    own = osp.join(copy, 'epoch_1.pth')
    assert f'Auto resumed from {own}.' in out
    assert 'in another folder (a copied or moved work folder)' in out
    assert read_last_run(copy)['resumed_from'] == own
    assert osp.isfile(osp.join(copy, 'epoch_2.pth'))
    assert sorted(os.listdir(work)) == before  # nothing written into W
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))


def test_disk_full_names_the_file_and_removes_the_partial_tmp(
        capsys, tmp_path, monkeypatch):
    """The real write path (MMEngine's LocalBackend.put, a bare f.write)
    runs out of space half-way through epoch_2: the error line names the
    checkpoint, no .tmp is left to keep the disk full, epoch_1 is kept."""
    from mmengine.fileio import LocalBackend
    data = make_fashion_mnist(str(tmp_path / 'data'), n_train=32)
    work = str(tmp_path / 'w')
    real_put = LocalBackend.put

    def put(self, obj, filepath):
        if str(filepath).endswith('epoch_2.pth.tmp'):
            with open(filepath, 'wb') as f:
                f.write(obj[:len(obj) // 2])
            raise OSError(errno.ENOSPC, 'No space left on device')
        return real_put(self, obj, filepath)

    monkeypatch.setattr(LocalBackend, 'put', put)
    with pytest.raises(SystemExit) as exit_info:
        TRAIN.main([DEMO] + tiny_fmnist_cfg_options(data, work, epochs=2))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert 'Traceback' not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith('error: no space left on the device while '
                           f'writing {osp.join(work, "epoch_2.pth")};'), line
    assert not [f for f in os.listdir(work) if f.endswith('.tmp')]
    assert checkpoint_problem(osp.join(work, 'epoch_1.pth')) is None
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))
    assert not osp.exists(osp.join(work, LOCK_NAME))


def test_sigterm_frees_the_lock_and_ends_with_one_line(tmp_path):
    """SIGTERM mid-run (a scheduler's stop): exit 143, one line and no
    traceback, the lock freed, the complete checkpoints kept."""
    proc, work, _ = start_slow_run(tmp_path, 32, 6, 0.5, seed=0)
    wait_for(osp.join(work, 'epoch_1.pth'), proc)
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == 143, err[-2000:]
    assert 'Traceback' not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith('error: stopped by SIGTERM') and \
        '--resume' in last, last
    assert not osp.exists(osp.join(work, LOCK_NAME))
    assert checkpoint_problem(osp.join(work, 'epoch_1.pth')) is None
    assert not [f for f in os.listdir(work) if f.endswith('.tmp')]


def test_a_dead_rank_ends_the_launch_with_one_error_line(tmp_path):
    """Rank 1 of a 2-process CPU launch is killed (SIGKILL) in epoch 2:
    the launch ends non-zero with one last ``error:`` line naming the rank,
    the signal and the fix; rank 0's checkpoint of epoch 1 is intact."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=64)
    kill = ("custom_hooks = [dict(type='KillAtIterHook', at=3, rank=1)]\n"
            "custom_imports = dict(imports=['sumix_ext', "
            "'tests.test_reliability.kill_hook'])")
    cfg = write_tiny_cfg(str(tmp_path / 'cfg.py'), root, epochs=3,
                         extra=kill)
    work = str(tmp_path / 'w')
    proc = run_sh(['tools/dist_train.sh', cfg, '2', '--work-dir', work],
                  env=dict(PORT=str(free_port()), PYTHONPATH=REPO))
    assert proc.returncode == 1, (proc.stdout + proc.stderr)[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: rank 1 (local rank 1, pid '), last
    assert 'was killed by SIGKILL' in last and '--resume' in last
    assert 'ChildFailedError' not in proc.stderr
    assert checkpoint_problem(osp.join(work, 'epoch_1.pth')) is None
