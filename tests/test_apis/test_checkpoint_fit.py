"""No metric from a model that did not load completely (issue: silent wrong
results): tools/test.py, load_from and --resume refuse a checkpoint of
another model in one line; --partial-load opts in to what fits."""
import os.path as osp

import pytest
import torch

from tests.conftest import tiny_fmnist_cfg_options
from tests.test_apis.test_bad_inputs import (  # noqa: F401  (fixtures)
    _error_line, _fast_config_text, _command, data)
from tests.test_reliability.utils import DEMO

TEST = _command('test')
TRAIN = _command('train')


@pytest.fixture(scope='module')
def trained(data, tmp_path_factory):
    work = str(tmp_path_factory.mktemp('fit') / 'w')
    TRAIN.main([DEMO] + tiny_fmnist_cfg_options(data, work, epochs=1))
    return osp.join(work, 'epoch_1.pth')


def _opts(data, tmp_path, *extra):
    opts = tiny_fmnist_cfg_options(data, str(tmp_path / 'w'), epochs=1)
    return opts + list(extra)


def test_own_checkpoint_evaluates(data, trained, tmp_path):
    metrics = TEST.main([DEMO, trained] + _opts(data, tmp_path))
    assert 'accuracy/top1' in metrics


@pytest.mark.parametrize('change,expect', [
    ('model.backbone.base_channels=8', 'of another shape'),
    ('model.head.num_classes=5', 'of another shape'),
])
def test_other_model_is_refused_by_tools_test(capsys, data, trained,
                                              tmp_path, change, expect):
    opts = _opts(data, tmp_path, change)
    if 'base_channels' in change:
        opts.append('model.head.in_channels=64')
    if 'num_classes' in change:
        opts.append('data_preprocessor.num_classes=5')
    line = _error_line(capsys, [DEMO, trained] + opts, tool=TEST)
    assert 'does not fit the model' in line and expect in line
    assert '--partial-load' in line


def test_partial_load_is_an_explicit_opt_in(capsys, data, trained,
                                            tmp_path):
    ckpt = torch.load(trained, map_location='cpu', weights_only=True)
    ckpt['state_dict'] = {k: v for k, v in ckpt['state_dict'].items()
                          if not k.startswith('head.')}
    headless = str(tmp_path / 'headless.pth')
    torch.save(ckpt, headless)
    line = _error_line(capsys, [DEMO, headless] + _opts(data, tmp_path),
                       tool=TEST)
    assert 'missing (head.' in line
    metrics = TEST.main([DEMO, headless, '--partial-load'] +
                        _opts(data, tmp_path))
    assert 'accuracy/top1' in metrics


def test_load_from_other_model_and_resume_other_config(capsys, data,
                                                       trained, tmp_path):
    line = _error_line(capsys, [DEMO] + _opts(
        data, tmp_path, f'load_from={trained}',
        'model.backbone.base_channels=8', 'model.head.in_channels=64'))
    assert 'does not fit the model' in line
    line = _error_line(capsys, [DEMO, '--resume', trained] + _opts(
        data, tmp_path, 'model.backbone.base_channels=8',
        'model.head.in_channels=64'))
    assert 'does not fit the model' in line


def test_a_file_that_is_not_a_checkpoint(capsys, data, tmp_path):
    bogus = str(tmp_path / 'notes.pth')
    with open(bogus, 'w') as f:
        f.write('not a checkpoint\n')
    line = _error_line(capsys, [DEMO, bogus] + _opts(data, tmp_path),
                       tool=TEST)
    assert 'not a checkpoint' in line and bogus in line
    line = _error_line(capsys, [DEMO, '--resume', bogus] +
                       _opts(data, tmp_path))
    assert 'not a checkpoint' in line


def test_skipped_steps_warn_at_the_end_and_divergence_stops(capsys, data,
                                                            tmp_path):
    # std 0 turns every input into inf/nan: every loss is non-finite
    poison = ['model.nonfinite_loss=skip', 'data_preprocessor.std=[0]']
    TRAIN.main([DEMO] + _opts(data, tmp_path, *poison))
    out = capsys.readouterr()
    assert 'training step(s) were skipped' in out.out + out.err
    line = _error_line(capsys, [DEMO] + tiny_fmnist_cfg_options(
        data, str(tmp_path / 'w2'), epochs=1) + poison +
        ['model.nonfinite_max_skip_share=0.01'])
    assert 'the run is diverging' in line
