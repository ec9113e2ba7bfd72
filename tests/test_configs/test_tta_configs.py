"""Issue 20: a flip-TTA config for the demo and each paper family; its TTA
pipeline is its own test pipeline with the last step replaced by the two
flips, and `--tta` with it gives the same result as the tools' default flip
TTA (which builds the same pipeline)."""
import glob
import os
import os.path as osp

import pytest

from .common import BENCHMARKS, CONFIG_ROOT, load, rel

FAMILIES = BENCHMARKS + ('fashion_mnist', )
TTA_CONFIGS = sorted(
    p for p in glob.glob(osp.join(CONFIG_ROOT, '*', 'tta', '*.py'))
    if not rel(p).startswith('_base_'))  # _base_/tta holds shared pieces
FLIPS = [dict(type='RandomFlip', prob=1.), dict(type='RandomFlip', prob=0.)]


@pytest.mark.parametrize('family', FAMILIES)
def test_every_family_has_a_flip_tta_config(family):
    assert any(rel(p).startswith(family + osp.sep) for p in TTA_CONFIGS)


def test_cifar100_has_one_per_input_size():
    names = [osp.basename(p) for p in TTA_CONFIGS
             if rel(p).startswith('cifar100')]
    assert sum('224px' in n for n in names) == 1 and len(names) == 2


@pytest.mark.parametrize('path', TTA_CONFIGS, ids=[rel(p) for p in
                                                   TTA_CONFIGS])
def test_tta_pipeline_is_the_test_pipeline_with_flips(path):
    cfg = load(path)
    assert cfg.tta_model == dict(type='AverageClsScoreTTA')
    test = cfg.test_dataloader.dataset.pipeline
    tta = cfg.tta_pipeline
    assert test[-1]['type'] == 'PackInputs'
    assert [dict(t) for t in tta[:-1]] == [dict(t) for t in test[:-1]]
    assert tta[-1]['type'] == 'TestTimeAug'
    assert [dict(t) for t in tta[-1]['transforms'][0]] == FLIPS
    assert [dict(t) for t in tta[-1]['transforms'][1]] == [dict(test[-1])]


def test_demo_tta_config_runs_and_equals_the_default_flip(tmp_path):
    from tests.conftest import make_fashion_mnist, tiny_fmnist_cfg_options
    from tests.test_apis.test_bad_inputs import _command
    from tests.test_reliability.utils import DEMO
    test, train = _command('test'), _command('train')
    data = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    opts = tiny_fmnist_cfg_options(data, str(tmp_path / 'w'), epochs=1)
    train.main([DEMO] + opts)
    ckpt = os.path.join(str(tmp_path / 'w'), 'epoch_1.pth')
    tta_cfg = [p for p in TTA_CONFIGS
               if rel(p).startswith('fashion_mnist')][0]
    with_cfg = test.main([tta_cfg, ckpt, '--tta'] + opts)
    default = test.main([DEMO, ckpt, '--tta'] + opts)
    plain = test.main([DEMO, ckpt] + opts)
    assert with_cfg['accuracy/top1'] == default['accuracy/top1']
    assert set(plain) == set(with_cfg)
