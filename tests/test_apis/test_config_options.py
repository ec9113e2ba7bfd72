"""Every key MMEngine understands passes --cfg-options (typos still fail),
and the standard training switches train one iteration with a mixer and
SUMix on CPU."""
import os.path as osp

import pytest
import torch
from mmengine.config import DictAction

from sumix_ext.apis import load_config
from tests.conftest import tiny_fmnist_cfg_options
from tests.test_apis.test_bad_inputs import (  # noqa: F401  (fixtures)
    TRAIN, _error_line, _fast_config_text, data)
from tests.test_reliability.utils import DEMO


def _load(*opts):
    return load_config(DEMO, {k: DictAction._parse_iterable(v)
                              for k, v in (o.split('=', 1) for o in opts)})


def test_standard_mmengine_keys_pass():
    cfg = _load('compile=True', 'optim_wrapper.accumulative_counts=4',
                'optim_wrapper.clip_grad.max_norm=5',
                'model_wrapper_cfg.type=MMDistributedDataParallel',
                'model_wrapper_cfg.find_unused_parameters=True',
                'visualizer.vis_backends.1.type=TensorboardVisBackend',
                'auto_scale_lr.enable=True',
                'auto_scale_lr.base_batch_size=64')
    assert cfg.compile is True
    assert cfg.optim_wrapper.accumulative_counts == 4
    assert cfg.optim_wrapper.clip_grad == dict(max_norm=5)
    assert cfg.model_wrapper_cfg.find_unused_parameters is True
    assert [b['type'] for b in cfg.visualizer.vis_backends] == [
        'LocalVisBackend', 'TensorboardVisBackend']
    assert cfg.auto_scale_lr == dict(enable=True, base_batch_size=64)


@pytest.mark.parametrize('key,hint', [
    ('optim_wrapper.acumulative_counts', 'accumulative_counts'),
    ('compil', 'compile'),
    ('train_dataloder.batch_size', 'train_dataloader'),
])
def test_typos_still_fail_with_the_nearest_key(key, hint):
    with pytest.raises(KeyError, match=f"did you mean '{hint}'"):
        _load(f'{key}=1')
    with pytest.raises(KeyError, match='list of 1 items'):
        _load('visualizer.vis_backends.3.type=X')


def test_accumulation_and_clipping_train_with_sumix(data, tmp_path):
    work = str(tmp_path / 'w')
    opts = tiny_fmnist_cfg_options(data, work, epochs=1)
    TRAIN.main([DEMO] + opts + ['optim_wrapper.accumulative_counts=2',
                                'optim_wrapper.clip_grad.max_norm=1.0'])
    ckpt = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu',
                      weights_only=True)
    assert ckpt['meta']['iter'] == 2  # 32 images / batch 16
    assert torch.isfinite(ckpt['state_dict']['head.fc.weight']).all()


def test_auto_scale_lr_without_base_batch_size_is_one_line(capsys, data,
                                                           tmp_path):
    line = _error_line(capsys, [DEMO, '--auto-scale-lr'] +
                       tiny_fmnist_cfg_options(data, str(tmp_path / 'w'),
                                               epochs=1))
    assert 'auto_scale_lr.base_batch_size' in line


def test_amp_dtype_flags(capsys, data, tmp_path):
    opts = tiny_fmnist_cfg_options(data, str(tmp_path / 'w'), epochs=1)
    line = _error_line(capsys, [DEMO, '--amp-dtype', 'bfloat16'] + opts)
    assert '--amp-dtype needs --amp' in line
    # CPU mixed precision is bfloat16 only
    line = _error_line(capsys, [DEMO, '--amp', '--amp-dtype', 'float16'] +
                       opts)
    assert 'bfloat16 only' in line


@pytest.mark.parametrize('cuda', [False, True])
def test_dataloader_defaults_follow_mmpretrain(monkeypatch, cuda):
    from sumix_ext.apis import apply_dataloader_defaults
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: cuda)
    cfg = _load('train_dataloader.num_workers=4')
    # the fashion_mnist base says persistent_workers=False (for its 0
    # workers, as the stock tool needs); a loader that says nothing gets
    # mmpretrain's default
    cfg.train_dataloader.pop('persistent_workers')
    apply_dataloader_defaults(cfg)
    assert cfg.train_dataloader.pin_memory is cuda
    assert cfg.train_dataloader.persistent_workers is True
    assert cfg.val_dataloader.persistent_workers is False  # 0 workers
    apply_dataloader_defaults(cfg, no_pin_memory=True,
                              no_persistent_workers=True)
    assert cfg.train_dataloader.pin_memory is False
    assert cfg.train_dataloader.persistent_workers is False


def test_tensorboard_backend_logs_scalars(data, tmp_path):
    pytest.importorskip('tensorboard')
    import glob
    work = str(tmp_path / 'w')
    TRAIN.main([DEMO] + tiny_fmnist_cfg_options(data, work, epochs=1) + [
        'visualizer.vis_backends.1.type=TensorboardVisBackend'])
    assert glob.glob(osp.join(work, '*', 'vis_data', 'events.out.*'))


def test_a_python_dict_for_a_new_key_is_added_without_the_delete_marker():
    """--cfg-options "model.mix_loss=dict(...)" adds a key the config lacks
    (the command line marks Python dicts _delete_=True, which must not reach
    the component); a dict for an existing key still replaces it."""
    import argparse
    from sumix_ext.apis.cli import add_cfg_options
    parser = argparse.ArgumentParser()
    add_cfg_options(parser)
    opts = parser.parse_args([
        '--cfg-options', "model.mix_loss=dict(type='DecoupleMixLoss', "
        'eta=0.2)', "model.mixer=dict(type='BatchFMix', alpha=0.5)"
    ]).cfg_options
    cfg = load_config(DEMO, opts)
    assert cfg.model.mix_loss.to_dict() == dict(type='DecoupleMixLoss',
                                                eta=0.2)
    assert cfg.model.mixer.to_dict() == dict(type='BatchFMix', alpha=0.5)
