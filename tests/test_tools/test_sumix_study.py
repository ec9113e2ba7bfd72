"""tools/analysis_tools/sumix_study.py: the plan and the report (table,
gate, JSON, plot) from hand-made logs, in-process."""
import json
import os.path as osp
import pickle

from sumix_ext.commands import sumix_study
from tests.test_evaluation.logs import write_run
from tests.test_tools.test_analysis_tools import assert_png

STUDY = sumix_study


def test_report_from_logs(tmp_path):
    root = str(tmp_path / 'runs')
    for seed, (v, c) in enumerate([(84.7, 86.0), (84.8, 85.8), (84.6, 86.2)]):
        write_run(root, f'vanilla_seed{seed}', [80.0] * 95 + [v] * 5)
        write_run(root, f'cutmix_seed{seed}', [80.0] * 95 + [c] * 5)
        with open(osp.join(root, f'cutmix_seed{seed}',
                           'test_metrics.pkl'), 'wb') as f:
            pickle.dump({'accuracy/top1': c - 0.5}, f)
    out, plot = str(tmp_path / 'res'), str(tmp_path / 'plot.png')
    results = STUDY.main(['--only-report', '--work-root', root, '--arms',
                          'vanilla', 'cutmix', 'official', '--out', out,
                          '--plot', plot])
    assert results['cutmix']['val'][2] == 3
    assert results['official']['val'][2] == 0  # not run: n = 0 in the table
    text = open(out + '.md').read()
    assert '| CutMix | 86.00 ± 0.20 (n=3) | 85.50 ± 0.20 (n=3) |' in text
    assert 'Gate (CutMix - no mixing, validation): +1.30 points' in text
    assert 'passed' in text
    data = json.load(open(out + '.json'))
    assert data['gate']['passed'] and data['last_k'] == 5
    assert_png(plot, min_w=300, min_h=100)


def test_dry_run_lists_every_arm_and_seed(tmp_path, capsys):
    STUDY.main(['--dry-run', '--work-root', str(tmp_path), '--seeds', '0'])
    out = capsys.readouterr().out
    for arm in STUDY.ARMS:
        assert f'{arm.name}_seed0' in out
    assert 'TrueShareMixer' not in out  # the oracle uses its own config
    assert 'cutmix-oracle_fmnist-1k-100e_study.py' in out


def test_oracle_config_follows_the_regime_and_room_is_reported(
        tmp_path, capsys):
    small = ('configs/fashion_mnist/study/'
             'resnet18-w16_cutmix-oracle_fmnist-small-1k-100e_study.py')
    STUDY.main(['--dry-run', '--work-root', str(tmp_path), '--seeds', '0',
                '--arms', 'cutmix', 'oracle', '--oracle-config', small])
    assert small in capsys.readouterr().out
    root = str(tmp_path / 'runs')
    for seed, (c, o) in enumerate([(80.0, 82.0), (80.2, 82.1), (79.8, 81.9)]):
        write_run(root, f'cutmix_seed{seed}', [70.0] * 95 + [c] * 5)
        write_run(root, f'oracle_seed{seed}', [70.0] * 95 + [o] * 5)
    out = str(tmp_path / 'res')
    STUDY.main(['--only-report', '--work-root', root, '--arms', 'cutmix',
                'oracle', '--out', out, '--plot', ''])
    text = open(out + '.md').read()
    assert ('Room for a ratio correction (oracle - CutMix, validation): '
            '+2.00 points') in text and '(yes: needs > 2)' in text
    assert json.load(open(out + '.json'))['oracle_room']['passed']
