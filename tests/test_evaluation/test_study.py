"""The study runner: plan, resume, metrics from logs, the single test
evaluation, the gate and the table."""
import math
import os
import os.path as osp
import pickle
import statistics

import pytest

from sumix_ext.evaluation.study import (Arm, collect, gate, markdown_table,
                                        run_result, run_study, train_command)
from sumix_ext.evaluation.study_target import (better_reference,
                                               own_mixer_report, target,
                                               target_report)
from tests.test_evaluation.logs import write_run

ARMS = [Arm('vanilla', 'no mixing', ['model.mixer=None']),
        Arm('cutmix', 'CutMix', [])]


def test_run_result_median_of_last_k_and_single_test(tmp_path):
    root = str(tmp_path)
    write_run(root, 'cutmix_seed0', [50, 60, 70, 80, 90, 85])
    res = run_result(osp.join(root, 'cutmix_seed0'), 6, 5)
    assert res['val'] == 80 and res['val_final'] == 85
    assert res['val_epochs'] == [2, 3, 4, 5, 6] and res['test'] is None
    with open(osp.join(root, 'cutmix_seed0', 'test_metrics.pkl'), 'wb') as f:
        pickle.dump({'accuracy/top1': 83.5}, f)
    assert run_result(osp.join(root, 'cutmix_seed0'), 6, 5)['test'] == 83.5
    # unfinished run (last validated epoch < max_epochs): not a result
    write_run(root, 'vanilla_seed0', [50, 60])
    assert run_result(osp.join(root, 'vanilla_seed0'), 6, 5) is None
    assert run_result(osp.join(root, 'missing'), 6, 5) is None


def test_collect_gate_and_table(tmp_path):
    root = str(tmp_path)
    for seed, (v, c) in enumerate([(84.7, 86.0), (84.8, 85.8), (84.6, 86.2)]):
        write_run(root, f'vanilla_seed{seed}', [v])
        write_run(root, f'cutmix_seed{seed}', [c])
    res = collect(ARMS, [0, 1, 2], root, 1, 5)
    assert res['cutmix']['val'][2] == 3
    assert res['cutmix']['val'][0] == pytest.approx(86.0)
    g = gate(res, 'vanilla', 'cutmix')
    comb = math.sqrt(0.1**2 + 0.2**2)
    assert g['diff'] == pytest.approx(1.3) and g['passed']
    assert g['combined_std'] == pytest.approx(comb)
    # a gain inside the noise fails the gate
    write_run(root, 'cutmix_seed0', [84.0], stamp='20260102_000000')
    assert not gate(collect(ARMS, [0, 1, 2], root, 1, 5), 'vanilla',
                    'cutmix')['passed']
    text = markdown_table(res, 'cutmix', 5)
    assert '| no mixing | 84.70 ± 0.10 (n=3) | n/a (n=0) | -1.30 | n/a |' \
        in text
    # fewer than 2 seeds: no gate
    assert gate(collect(ARMS, [0], root, 1, 5), 'vanilla', 'cutmix') is None


def test_plan_resumes_and_skips(tmp_path):
    root = str(tmp_path)
    done = osp.join(root, 'cutmix_seed0')
    os.makedirs(done)
    open(osp.join(done, 'epoch_3.pth'), 'w').close()
    open(osp.join(done, 'test_metrics.pkl'), 'w').close()
    half = osp.join(root, 'vanilla_seed0')
    os.makedirs(half)
    open(osp.join(half, 'epoch_2.pth'), 'w').close()
    lines = []
    run_study('cfg.py', ARMS, [0], root, 3, dry_run=True, log=lines.append)
    assert any('vanilla_seed0' in ln and '--resume' in ln and 'train.py' in ln
               for ln in lines)
    assert any('vanilla_seed0' in ln and 'test.py' in ln for ln in lines)
    assert any('cutmix_seed0: done, skipped' in ln for ln in lines)
    cmd = train_command('cfg.py', 'w', Arm('o', 'o', ['a=1'], 'other.py'),
                        3, False, nice=0)
    assert cmd[1:3] == ['tools/train.py', 'other.py']
    assert cmd[-2:] == ['randomness.seed=3', 'a=1']


def test_target_is_against_the_better_of_cutmix_and_no_mixing(tmp_path):
    root = str(tmp_path)
    arms = ARMS + [Arm('saliency', 'saliency', [])]
    # no mixing (80.0) beats CutMix (79.0): the reference is no mixing
    vals = dict(vanilla=[80.0, 80.2, 79.8, 80.1, 79.9],
                cutmix=[79.0, 79.2, 78.8, 79.1, 78.9],
                saliency=[80.6, 80.8, 80.4, 80.7, 80.5])
    for arm, vs in vals.items():
        for seed, v in enumerate(vs):
            write_run(root, f'{arm}_seed{seed}', [v])
    res = collect(arms, range(5), root, 1, 5)
    assert better_reference(res) == 'vanilla'
    t = target(res, 'saliency')
    sd = statistics.stdev(vals['vanilla'])
    assert t['ref'] == 'vanilla' and t['diff'] == pytest.approx(0.6)
    assert t['combined_std'] == pytest.approx(math.sqrt(2) * sd)
    assert t['met'] and t['n'] == (5, 5)
    # +0.6 over CutMix alone would not be the claim: same gain, 4 seeds
    # (n < 5) is not counted, and a gain under the margin is missed
    assert not target(collect(arms, range(4), root, 1, 5), 'saliency')['met']
    assert not target(res, 'saliency', margin=0.7)['met']
    checks, table = target_report(res)
    assert set(checks) == {'saliency'}
    assert '| saliency | +0.60 |' in table and '| met |' in table
    # with CutMix ahead of no mixing the reference switches to CutMix
    for seed in range(5):
        write_run(root, f'cutmix_seed{seed}', [80.5], stamp='20260102_000000')
    t = target(collect(arms, range(5), root, 1, 5), 'saliency')
    assert t['ref'] == 'cutmix' and not t['met']
    # no reference with 2 seeds: no verdict
    assert target(collect(arms, [0], root, 1, 5), 'saliency') is None


def test_own_mixer_report_compares_an_fmix_arm_with_fmix(tmp_path):
    root = str(tmp_path)
    arms = ARMS + [Arm('fmix', 'FMix', []),
                   Arm('fmix-saliency', 'FMix + saliency', [],
                       mixer_arm='fmix')]
    vals = dict(vanilla=[80.0, 80.2, 79.8], cutmix=[79.0, 79.2, 78.8],
                fmix=[81.0, 81.4, 80.6], **{'fmix-saliency': [81.5, 81.7,
                                                              81.3]})
    for arm, vs in vals.items():
        for seed, v in enumerate(vs):
            write_run(root, f'{arm}_seed{seed}', [v])
    res = collect(arms, range(3), root, 1, 5)
    checks, table = own_mixer_report(
        res, {a.name: a.mixer_arm for a in arms if a.mixer_arm})
    c = checks['fmix-saliency']
    comb = math.sqrt(statistics.stdev(vals['fmix'])**2 +
                     statistics.stdev(vals['fmix-saliency'])**2)
    # +0.50 over FMix (its mixer), not the +2.50 over CutMix
    assert c['mixer'] == 'fmix' and c['diff'] == pytest.approx(0.5)
    assert c['combined_std'] == pytest.approx(comb)
    assert c['z'] == pytest.approx(0.5 / comb) and not c['passed']
    assert '| FMix + saliency | FMix | +0.50 | 1.1 | 3, 3 |' in table
    # its mixer with one seed: no comparison, no table
    assert own_mixer_report(collect(arms, [0], root, 1, 5),
                            {'fmix-saliency': 'fmix'}) == ({}, '')
    assert own_mixer_report(res, {'fmix-saliency': 'absent'}) == ({}, '')
