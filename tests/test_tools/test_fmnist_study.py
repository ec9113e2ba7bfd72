"""Fashion-MNIST study script: resumable plan and the report from logs."""
import importlib.util
import json
import os
import os.path as osp
import statistics

import pytest

from tests.conftest import REPO

SCRIPT = osp.join(REPO, 'tools', 'analysis_tools', 'fmnist_study.py')


@pytest.fixture(scope='module')
def study():
    spec = importlib.util.spec_from_file_location('fmnist_study', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_session(run_dir, stamp, val_top1: dict):
    """One MMEngine log session: train lines plus val top-1 per epoch."""
    vis = osp.join(run_dir, stamp, 'vis_data')
    os.makedirs(vis, exist_ok=True)
    with open(osp.join(vis, 'scalars.json'), 'w') as f:
        for epoch, acc in val_top1.items():
            f.write(json.dumps(dict(lr=0.1, loss=1.0, epoch=epoch,
                                    iter=50, step=50 * epoch)) + '\n')
            f.write(json.dumps({'accuracy/top1': acc, 'step': epoch}) + '\n')


def test_report_from_hand_made_logs(study, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = str(tmp_path / 'runs')
    # cutmix baseline: two seeds; seed 1 was resumed (second session wins)
    write_session(f'{root}/cutmix_baseline_seed0', '20260101_000000',
                  {3: 80.0, 4: 82.0})
    write_session(f'{root}/cutmix_baseline_seed1', '20260101_000000',
                  {3: 10.0})
    write_session(f'{root}/cutmix_baseline_seed1', '20260101_010000',
                  {3: 81.0, 4: 85.0})
    # cutmix SUMix batch: one seed; sample: unfinished (no epoch 4)
    write_session(f'{root}/cutmix_sumix-batch_seed0', '20260101_000000',
                  {3: 83.0, 4: 84.0})
    write_session(f'{root}/cutmix_sumix-sample_seed0', '20260101_000000',
                  {3: 70.0})
    plot = tmp_path / 'plot.png'
    study.main(['--only-report', '--work-root', root, '--mixers', 'cutmix',
                'fmix', '--seeds', '0', '1', '--plot', str(plot)])

    res = json.load(open(osp.join(root, 'results.json')))
    assert res['max_epochs'] == 4 and res['last_k'] == 2
    assert sorted(res['runs']) == ['cutmix_baseline_seed0',
                                   'cutmix_baseline_seed1',
                                   'cutmix_sumix-batch_seed0']
    assert res['runs']['cutmix_baseline_seed1']['last_k'] == 83.0
    assert res['runs']['cutmix_baseline_seed1']['final'] == 85.0

    table = open(osp.join(root, 'results.md')).read()
    std = statistics.stdev([81.0, 83.0])
    rows = [ln for ln in table.splitlines() if ln.startswith('| CutMix')]
    last_k_row, final_row = rows
    assert f'82.00 ± {std:.2f} (n=2)' in last_k_row
    assert '83.50 ± 0.00 (n=1)' in last_k_row
    assert 'n/a (n=0)' in last_k_row  # SUMix sample: nothing finished
    assert '| +1.50 |' in last_k_row  # 83.5 - 82.0
    assert '83.50 ± 2.12 (n=2)' in final_row and '+0.50' in final_row
    fmix_row = [ln for ln in table.splitlines() if ln.startswith('| FMix')]
    assert fmix_row[0].count('n/a (n=0)') == 3
    assert plot.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_plan_skips_finished_and_resumes_interrupted(study, tmp_path,
                                                     monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    root = str(tmp_path / 'runs')
    os.makedirs(f'{root}/cutmix_baseline_seed0')
    open(f'{root}/cutmix_baseline_seed0/epoch_4.pth', 'w').close()
    os.makedirs(f'{root}/cutmix_sumix-batch_seed0')
    open(f'{root}/cutmix_sumix-batch_seed0/epoch_2.pth', 'w').close()
    study.main(['--dry-run', '--work-root', root, '--mixers', 'cutmix',
                '--seeds', '0'])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == '[1/3] cutmix_baseline_seed0: done, skipped'
    assert '--resume' in out[1] and 'model.sumix.lam_reduction=batch' \
        in out[1] and 'randomness.seed=0' in out[1]
    assert '--resume' not in out[2]
    assert 'model.sumix.lam_reduction=sample' in out[2]
    assert not any('model.sumix.' in tok for tok in study.train_command(
        study.parse_args([]), 'fmix', 'baseline', 1, 'w', False)
        if tok != 'model.sumix=None')
