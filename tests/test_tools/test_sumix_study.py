"""tools/analysis_tools/sumix_study.py: the plan and the report (table,
gate, JSON, plot) from hand-made logs, in-process; a failed run (its folder
held by a live run) with real study processes."""
import json
import os
import os.path as osp
import pickle
import re
import socket
import subprocess
import sys

import pytest
from mmengine.config import Config

from sumix_ext.commands import sumix_study
from sumix_ext.engine.work_dir_lock import LOCK_NAME
from sumix_ext.evaluation.study import RUN_RECORD
from tests.test_evaluation.logs import write_run
from tests.test_tools.test_analysis_tools import assert_png

STUDY = sumix_study


def test_report_from_logs(tmp_path):
    root = str(tmp_path / 'runs')
    for seed, (v, c) in enumerate([(84.7, 86.0), (84.8, 85.8), (84.6, 86.2)]):
        write_run(root, f'vanilla_seed{seed}', [80.0] * 95 + [v] * 5)
        write_run(root, f'cutmix_seed{seed}', [80.0] * 95 + [c] * 5)
        write_run(root, f'saliency_seed{seed}', [80.0] * 95 + [c + 1] * 5)
        write_run(root, f'fmix_seed{seed}', [80.0] * 95 + [c + 2] * 5)
        write_run(root, f'fmix-saliency_seed{seed}',
                  [80.0] * 95 + [c + 2.5] * 5)
        with open(osp.join(root, f'cutmix_seed{seed}',
                           'test_metrics.pkl'), 'wb') as f:
            pickle.dump({'accuracy/top1': c - 0.5}, f)
    out, plot = str(tmp_path / 'res'), str(tmp_path / 'plot.png')
    results = STUDY.main(['--only-report', '--work-root', root, '--arms',
                          'vanilla', 'cutmix', 'official', 'saliency',
                          'fmix', 'fmix-saliency', '--out', out,
                          '--plot', plot])
    assert results['cutmix']['val'][2] == 3
    assert results['official']['val'][2] == 0  # not run: n = 0 in the table
    text = open(out + '.md').read()
    assert '| CutMix | 86.00 ± 0.20 (n=3) | 85.50 ± 0.20 (n=3) |' in text
    assert 'Gate (CutMix - no mixing, validation): +1.30 points' in text
    assert 'passed' in text
    data = json.load(open(out + '.json'))
    assert data['gate']['passed'] and data['last_k'] == 5
    # every arm against the better of CutMix and no mixing: +1.00 over
    # CutMix, but at n=3 the target (n >= 5) is not met
    assert 'Against the better of CutMix and no mixing (CutMix' in text
    assert '| + SUMix saliency share | +1.00 |' in text
    assert data['target']['saliency']['ref'] == 'cutmix'
    assert not data['target']['saliency']['met']
    assert 'official' not in data['target']  # not run: no verdict
    # FMix + a ratio is also measured against FMix, its own mixer: +0.50,
    # where the CutMix column says +2.50
    assert '| FMix + SUMix saliency share | +2.50 |' in text
    assert '| FMix + SUMix saliency share | FMix | +0.50 |' in text
    assert data['vs_mixer']['fmix-saliency']['mixer'] == 'fmix'
    assert data['vs_mixer']['fmix-saliency']['diff'] == pytest.approx(0.5)
    assert set(data['vs_mixer']) == {'fmix-saliency'}
    assert_png(plot, min_w=300, min_h=100)


def test_dry_run_lists_every_arm_and_seed(tmp_path, capsys):
    STUDY.main(['--dry-run', '--work-root', str(tmp_path), '--seeds', '0'])
    out = capsys.readouterr().out
    for arm in STUDY.ARMS:  # every arm a ResNet can run; TransMix not
        runs = STUDY.ARM_BACKBONE.get(arm.name, 'cnn') == 'cnn'
        assert (f'{arm.name}_seed0' in out) == runs, arm.name
    assert 'arms transmix left out' in out
    # the oracle runs on a leaf of the study config written by the tool
    assert osp.join(str(tmp_path), 'configs',
                    'oracle_resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py') in out


def test_oracle_config_follows_the_regime_and_room_is_reported(
        tmp_path, capsys):
    small = ('configs/fashion_mnist/study/'
             'resnet18-w16_cutmix-oracle_1xb64-100e_fmnist-small-1k-study.py')
    STUDY.main(['--dry-run', '--work-root', str(tmp_path), '--seeds', '0',
                '--arms', 'cutmix', 'oracle', '--oracle-config', small])
    assert small in capsys.readouterr().out
    root = str(tmp_path / 'runs')
    for seed, (c, o) in enumerate([(80.0, 82.0), (80.2, 82.1), (79.8, 81.9)]):
        write_run(root, f'cutmix_seed{seed}', [70.0] * 95 + [c] * 5)
        write_run(root, f'oracle_seed{seed}', [70.0] * 95 + [o] * 5)
        write_run(root, f'vanilla_seed{seed}', [70.0] * 95 + [c + 1.5] * 5)
    out = str(tmp_path / 'res')
    STUDY.main(['--only-report', '--work-root', root, '--arms', 'vanilla',
                'cutmix', 'oracle', '--out', out, '--plot', ''])
    text = open(out + '.md').read()
    assert ('Room for a ratio correction (oracle - CutMix, validation): '
            '+2.00 points') in text and '(yes: needs > 2)' in text
    data = json.load(open(out + '.json'))
    assert data['oracle_room']['passed']
    # every arm also against no mixing; the oracle gate: oracle - no mixing
    assert '| val - no mixing | test - no mixing |' in text
    assert ('Oracle gate (oracle - no mixing, validation): +0.50 points'
            in text)
    assert data['oracle_gate']['passed']  # 0.5 / 0.22 = 2.2 stds


def my_regime(tmp_path, body=''):
    """A user's own regime: a leaf of the study config."""
    path = tmp_path / 'MY_REGIME.py'
    base = osp.abspath('configs/fashion_mnist/study/'
                       'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py')
    path.write_text(f'_base_ = [{base!r}]\n'
                    "model = dict(mixer=dict(type='BatchFMix', alpha=0.5))\n"
                    + body)
    return str(path)


def test_every_arm_runs_on_the_given_regime_the_oracle_included(
        tmp_path, capsys):
    regime = my_regime(tmp_path)
    root = str(tmp_path / 'runs')
    STUDY.main(['--dry-run', '--config', regime, '--work-root', root,
                '--seeds', '0'])
    lines = [ln for ln in capsys.readouterr().out.splitlines()
             if 'tools/t' in ln]
    cnn_arms = [a for a in STUDY.ARMS
                if STUDY.ARM_BACKBONE.get(a.name, 'cnn') == 'cnn']
    assert len(lines) == 2 * len(cnn_arms)  # train + test per arm
    oracle_leaf = osp.join(root, 'configs', 'oracle_MY_REGIME.py')
    for line in lines:
        cfg = re.search(r'tools/t\w+\.py (\S+)', line).group(1)
        assert cfg == (oracle_leaf if 'oracle_seed0' in line else regime)
    assert 'resnet18-w16_cutmix-oracle' not in ' '.join(lines)
    # the leaf is the regime with only its own mixer swapped for the oracle
    leaf, mine = Config.fromfile(oracle_leaf), Config.fromfile(regime)
    assert leaf.model.mixer == dict(
        type='TrueShareMixer', mixer=dict(type='BatchFMix', alpha=0.5),
        truth='pixel_mass', mean=[72.94], std=[90.02], background=0.0)
    assert leaf.model.sumix is None
    assert leaf.train_dataloader == mine.train_dataloader
    assert leaf.train_cfg == mine.train_cfg


def test_oracle_of_a_cluttered_regime_uses_the_sample_masks(tmp_path):
    from sumix_ext.evaluation.study import write_oracle_config
    clutter = ('configs/fashion_mnist/study/'
               'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py')
    leaf = Config.fromfile(write_oracle_config(clutter, str(tmp_path)))
    assert leaf.model.mixer == dict(type='TrueShareMixer', truth='sample',
                                    mixer=dict(type='BatchCutMix',
                                               alpha=0.2))


def test_a_regime_without_a_mask_mixer_stops_at_start_up(tmp_path, capsys):
    regime = my_regime(tmp_path, 'model = dict(mixer=None)\n')
    with pytest.raises(SystemExit) as exc:
        STUDY.main(['--dry-run', '--config', regime, '--work-root',
                    str(tmp_path / 'runs'), '--arms', 'cutmix', 'oracle'])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert 'model.mixer must be one mask-based mixer' in err[-1]
    assert '--oracle-config' in err[-1]


def test_the_report_names_each_arms_config_and_refuses_other_regimes(
        tmp_path, capsys):
    regime = my_regime(tmp_path)
    root = str(tmp_path / 'runs')
    for seed in (0, 1):
        write_run(root, f'cutmix_seed{seed}', [80.0] * 100)
        write_run(root, f'oracle_seed{seed}', [81.0] * 100)
    out = str(tmp_path / 'res')
    STUDY.main(['--only-report', '--config', regime, '--work-root', root,
                '--arms', 'cutmix', 'oracle', '--seeds', '0', '1', '--out',
                out])
    data = json.load(open(out + '.json'))
    assert data['arms']['cutmix']['config'] == osp.normpath(regime)
    # the oracle's leaf lives in the scratch work root: the report names
    # the regime and says what the leaf changes, not a path a reader lacks
    assert data['arms']['oracle']['config'] == osp.normpath(regime)
    assert 'TrueShareMixer' in data['arms']['oracle']['leaf']
    assert data['arms']['oracle']['val'][2] == 2
    assert osp.isfile(out + '.png')  # the plot follows --out
    # a run of another regime in the work root is refused, in one line
    with open(osp.join(root, 'cutmix_seed1', RUN_RECORD), 'w') as f:
        json.dump(dict(regime='configs/other.py', config='configs/other.py',
                       options=['model.sumix=None'], seed=1), f)
    with pytest.raises(SystemExit):
        STUDY.main(['--only-report', '--config', regime, '--work-root',
                    root, '--arms', 'cutmix', '--seeds', '0', '1', '--out',
                    out])
    assert 'cannot share a table' in capsys.readouterr().err


def test_prior_report_fills_missing_seeds_of_the_same_regime(tmp_path):
    regime = my_regime(tmp_path)
    root = str(tmp_path / 'runs')
    for seed, v in ((0, 80.0), (1, 81.0)):
        write_run(root, f'cutmix_seed{seed}', [v] * 100)
    first = str(tmp_path / 'first')
    STUDY.main(['--only-report', '--config', regime, '--work-root', root,
                '--arms', 'cutmix', '--seeds', '0', '1', '--out', first,
                '--plot', ''])
    root2 = str(tmp_path / 'more')
    write_run(root2, 'cutmix_seed2', [82.0] * 100)
    res = STUDY.main(['--only-report', '--config', regime, '--work-root',
                      root2, '--arms', 'cutmix', '--seeds', '0', '1', '2',
                      '--prior', first + '.json', '--out',
                      str(tmp_path / 'all'), '--plot', ''])
    assert res['cutmix']['val'][0] == pytest.approx(81.0)
    assert res['cutmix']['val'][2] == 3
    assert res['cutmix']['runs'][0]['source'] == 'prior'
    assert 'source' not in res['cutmix']['runs'][2]
    with pytest.raises(SystemExit):  # a report of another regime
        STUDY.main(['--only-report', '--work-root', root2, '--arms',
                    'cutmix', '--prior', first + '.json', '--plot', ''])


def test_arms_follow_the_backbone(tmp_path, capsys):
    """By default a ViT regime runs TransMix and not the CAM-label arms
    (SnapMix, the CAM share), a CNN regime the reverse; asked for by name,
    an arm its backbone cannot run stops at start-up with one line."""
    vit = ('configs/fashion_mnist/study/'
           'vit-tiny-p4_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py')
    STUDY.main(['--dry-run', '--config', vit, '--work-root', str(tmp_path),
                '--seeds', '0'])
    out = capsys.readouterr().out
    assert 'transmix_seed0' in out and 'saliency_seed0' in out
    for arm in ('snapmix_seed0', 'snapmix-a0.2_seed0', 'cam_seed0'):
        assert arm not in out
    with pytest.raises(SystemExit) as exc:
        STUDY.main(['--dry-run', '--work-root', str(tmp_path), '--arms',
                    'cutmix', 'transmix'])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert '--arms transmix' in err[-1] and 'VIT backbone' in err[-1]


def committed_report(tmp_path, seeds=(0, 1)):
    """A report of ``cutmix`` at ``seeds`` (from hand-made logs), as a
    committed result: its stem and the bytes of its files."""
    root = str(tmp_path / 'done')
    for seed in seeds:
        write_run(root, f'cutmix_seed{seed}', [80.0 + seed] * 100)
    out = str(tmp_path / 'results' / 'study')
    STUDY.main(['--only-report', '--work-root', root, '--arms', 'cutmix',
                '--seeds', *map(str, seeds), '--out', out])
    files = {ext: open(out + ext, 'rb').read()
             for ext in ('.md', '.json', '.png')}
    return root, out, files


def fake_live_lock(work_dir: str) -> str:
    """Lock ``work_dir`` as a live run would: owned by this (living) test
    process on this host."""
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_NAME)
    with open(path, 'w') as f:
        json.dump(dict(pid=os.getpid(), host=socket.gethostname(),
                       started='2026-01-01T00:00:00',
                       command='python tools/train.py (a live run)'), f)
    return path


def test_a_failed_run_fails_the_study_and_keeps_the_committed_report(
        tmp_path):
    """Two real study processes meet a run whose folder another live run
    holds: each exits 1 with one ``error:`` line naming the run and its
    own log, and the committed report (a superset) is left byte for byte;
    the new one goes beside it."""
    _, out, files = committed_report(tmp_path)
    busy = str(tmp_path / 'busy')
    lock = fake_live_lock(osp.join(busy, 'cutmix_seed0'))
    lock_text = open(lock).read()
    cmd = [sys.executable, 'tools/analysis_tools/sumix_study.py', '--arms',
           'cutmix', '--seeds', '0', '--work-root', busy, '--out', out,
           '--nice', '0']
    env = dict(os.environ, OMP_NUM_THREADS='1')
    procs = [subprocess.Popen(cmd, cwd=sumix_study.REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    logs = {}
    for proc, (stdout, stderr) in zip(procs, outputs):
        assert proc.returncode == 1, stderr
        last = stderr.strip().splitlines()[-1]
        assert last.startswith('error: 1 run(s) of the study failed: '
                               'cutmix_seed0 (log: '), last
        log = re.search(r'\(log: (\S+)\)', last).group(1)
        # each process has its own log, named by its pid
        assert log.endswith(f'_pid{proc.pid}.log') and osp.isfile(log)
        text = open(log).read()
        assert text.count('is in use by another run') == 1
        logs[proc.pid] = log
        assert 'note: kept the existing report' in stdout
        assert f'wrote this one to {out}.new.md/.json' in stdout
        assert 'rerun with --prior' in stdout
    assert len(set(logs.values())) == 2
    assert sorted(n for n in os.listdir(osp.join(busy, 'cutmix_seed0'))
                  if n.startswith('study_stdout')) == sorted(
                      osp.basename(p) for p in logs.values())
    # the committed report, plot included, is untouched; the new one (no
    # finished run) is beside it
    for ext, data in files.items():
        assert open(out + ext, 'rb').read() == data, ext
    assert 'n/a (n=0)' in open(out + '.new.md').read()
    assert json.load(open(out + '.new.json'))['arms']['cutmix']['runs'] == {}
    assert open(lock).read() == lock_text  # the live run's lock is its own


def test_a_report_replaces_only_one_it_holds_every_run_of(tmp_path, capsys):
    root, out, files = committed_report(tmp_path)
    capsys.readouterr()
    # fewer seeds: kept, the new report beside it
    STUDY.main(['--only-report', '--work-root', root, '--arms', 'cutmix',
                '--seeds', '0', '--out', out])
    note = [ln for ln in capsys.readouterr().out.splitlines()
            if ln.startswith('note:')]
    assert len(note) == 1 and 'it holds 2 runs, this report 1' in note[0]
    assert 'cutmix_seed1' in note[0]
    for ext, data in files.items():
        assert open(out + ext, 'rb').read() == data, ext
    assert json.load(open(out + '.new.json'))['arms']['cutmix']['val'][2] == 1
    assert osp.isfile(out + '.new.png')
    # another config's report over it: kept
    STUDY.main(['--only-report', '--config', my_regime(tmp_path),
                '--work-root', root, '--arms', 'cutmix', '--seeds', '0', '1',
                '--out', out, '--plot', ''])
    assert 'a report of another config' in capsys.readouterr().out
    assert open(out + '.json', 'rb').read() == files['.json']
    # every run of it and one more: replaced
    write_run(root, 'cutmix_seed2', [83.0] * 100)
    STUDY.main(['--only-report', '--work-root', root, '--arms', 'cutmix',
                '--seeds', '0', '1', '2', '--out', out])
    assert 'note:' not in capsys.readouterr().out
    assert json.load(open(out + '.json'))['arms']['cutmix']['val'][2] == 3
