"""Fine-grained configs start from a local ImageNet checkpoint, or fail
clearly when it is missing (never download)."""
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope

import sumix_ext  # noqa: F401
from sumix_ext.compat.torch_load import CheckpointLoadError
from .common import CONFIG_ROOT, load
from .synthetic import build_model

CUB_R18 = osp.join(CONFIG_ROOT, 'cub200',
                   'resnet18_cutmix-sumix_1xb16-200e_cub200.py')


def test_missing_checkpoint_names_the_path(tmp_path):
    init_default_scope('mmpretrain')
    cfg = load(CUB_R18)
    missing = str(tmp_path / 'resnet18-f37072fd.pth')
    cfg.model.backbone.init_cfg.checkpoint = missing
    model = build_model(cfg)
    with pytest.raises(CheckpointLoadError) as err:
        model.init_weights()
    assert f'checkpoint not found: {missing}' in str(err.value)


@pytest.mark.parametrize('prefix', [None, 'backbone.'])
def test_torchvision_and_mmpretrain_layouts_load(tmp_path, prefix):
    """A torchvision file (bare ResNet keys + ``fc``) loads as is; an
    mmpretrain classifier checkpoint needs ``prefix='backbone.'``."""
    init_default_scope('mmpretrain')
    cfg = load(CUB_R18)
    source = build_model(cfg).backbone.state_dict()
    source = {k: torch.randn_like(v) if v.is_floating_point() else v
              for k, v in source.items()}
    if prefix is None:
        state = dict(source, **{'fc.weight': torch.zeros(1000, 512),
                                'fc.bias': torch.zeros(1000)})
    else:
        state = dict(state_dict={f'backbone.{k}': v
                                 for k, v in source.items()},
                     meta=dict(note='mmpretrain-style'))
        state['state_dict']['head.fc.weight'] = torch.zeros(1000, 512)
    path = str(tmp_path / 'weights.pth')
    torch.save(state, path)
    cfg.model.backbone.init_cfg.checkpoint = path
    if prefix is not None:
        cfg.model.backbone.init_cfg.prefix = prefix
    model = build_model(cfg)
    model.init_weights()
    loaded = model.backbone.state_dict()
    for key in ('conv1.weight', 'layer4.1.bn2.running_var',
                'layer3.0.downsample.0.weight'):
        assert torch.equal(loaded[key], source[key]), key
