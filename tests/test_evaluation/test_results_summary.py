import pytest

from sumix_ext.evaluation import (collect_runs, group_runs, mixer_from_name,
                                  mixer_label, paper_tables, runs_table)
from tests.test_evaluation.logs import make_work_dirs, write_run

def test_runs_medians_and_seed_groups(tmp_path):
    make_work_dirs(str(tmp_path))
    runs = {r.name: r for r in collect_runs(str(tmp_path), k=10)}
    assert len(runs) == 5
    r = runs['r18_cutmix_fmnist_seed0']
    assert (r.final, r.median_last, r.n_val) == (59.0, 54.5, 12)
    assert (r.mixer, r.sumix) == ('CutMix', False)
    assert runs['r18_cutmix-sumix_fmnist_seed1'].median_last == 66.5
    assert runs['r18_cutmix-sumix_fmnist_seed1'].sumix
    assert runs['r18_mixup_fmnist'].median_last == 80.0

    groups = {g.name: g for g in group_runs(list(runs.values()))}
    assert set(groups) == {'r18_cutmix_fmnist', 'r18_cutmix-sumix_fmnist',
                           'r18_mixup_fmnist'}
    base = groups['r18_cutmix_fmnist']
    assert len(base.runs) == 2
    assert base.stat('median_last') == pytest.approx((59.5, 50 ** 0.5))
    assert base.stat('final') == pytest.approx((64.0, 50 ** 0.5))
    assert base.setting == groups['r18_cutmix-sumix_fmnist'].setting \
        == 'r18_fmnist'


def test_paper_table_rows_mixers_columns_baseline_sumix_gain(tmp_path):
    make_work_dirs(str(tmp_path))
    groups = group_runs(collect_runs(str(tmp_path)))
    table = paper_tables(groups)
    assert '| Mixer | Baseline | +SUMix | Gain |' in table
    assert '| CutMix | 59.50 ± 7.07 | 61.50 ± 7.07 | +2.00 |' in table
    assert '| Mixup | 80.00 | - | - |' in table
    final = paper_tables(groups, metric='final')
    assert '| CutMix | 64.00 ± 7.07 | 66.00 ± 7.07 | +2.00 |' in final
    rows = runs_table(groups)
    assert '| r18_cutmix-sumix_fmnist | CutMix | yes | 2 | 66.00 ± 7.07 | ' \
        '61.50 ± 7.07 |' in rows


def test_custom_group_regex_and_bad_regex(tmp_path):
    make_work_dirs(str(tmp_path))
    runs = collect_runs(str(tmp_path))
    groups = group_runs(runs, r'^r18_([a-z-]+)_')
    assert [g.name for g in groups] == ['cutmix', 'cutmix-sumix', 'mixup']
    with pytest.raises(ValueError, match='not a valid regular expression'):
        group_runs(runs, '(')


def test_dumped_config_beats_the_name(tmp_path):
    # the name says cutmix without SUMix; the dumped config says otherwise
    write_run(str(tmp_path), 'exp_cutmix_a', [1.0, 2.0], sumix=True,
              mixer='BatchMixup')
    run, = collect_runs(str(tmp_path))
    assert (run.mixer, run.sumix) == ('Mixup', True)


def test_mixer_names():
    assert mixer_label(dict(type='BatchCutMix', alpha=0.2)) == 'CutMix'
    assert mixer_label(dict(type='RandomMixer', mixers=[
        dict(type='BatchCutMix'), dict(type='BatchMixup')])) == \
        'RandomMixer(CutMix+Mixup)'
    assert mixer_label(None) == 'none'
    assert mixer_from_name('resnet18-w16_fmix-sumix_fmnist-demo') == (
        'FMix', True)
    assert mixer_from_name('resnet18_saliencymix_cifar') == ('SaliencyMix',
                                                             False)
    assert mixer_from_name('whatever') == ('unknown', False)


def test_missing_root(tmp_path):
    with pytest.raises(FileNotFoundError, match='work dir root not found'):
        collect_runs(str(tmp_path / 'nope'))


def test_study_folder_is_one_setting_with_sumix_variants(tmp_path):
    study = str(tmp_path / 'fmnist_study')
    write_run(study, 'cutmix_baseline_seed0', [60.0], sumix=False)
    write_run(study, 'cutmix_sumix-batch_seed0', [61.0], sumix=True)
    write_run(study, 'cutmix_sumix-sample_seed0', [63.5], sumix=True)
    groups = group_runs(collect_runs(str(tmp_path)))
    assert {g.setting for g in groups} == {'fmnist_study'}
    assert groups[0].name == 'fmnist_study/cutmix_baseline'
    table = paper_tables(groups)
    assert '**fmnist_study**' in table
    assert '| CutMix (fmnist_study/cutmix_sumix-batch) | 60.00 | 61.00 | ' \
        '+1.00 |' in table
    assert '| CutMix (fmnist_study/cutmix_sumix-sample) | 60.00 | 63.50 | ' \
        '+3.50 |' in table
