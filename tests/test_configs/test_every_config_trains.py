"""Every config under configs/ loads, builds its model and trains one step.

Each config is loaded with the project's loader and its full model is built
exactly as configured. Its own train and test pipelines turn synthetic raw
images of its dataset into a batch of 2, which must have the benchmark's
resolution. Then one real ``train_step`` (mixer, SUMix or not, the config's
optimizer) must give a finite loss, the logs of its mode and update weights.

Cost: the full-size model is built and trained for the first config of
each distinct backbone config - in sorted order that is a grid root,
``<arch>_cutmix-sumix_*``, or for DeiT-S its AutoMix config (a full-size
DeiT-S step with the Mix Block on layer 6's 14 x 14 maps) - nine in all (the CNNs are shape-agnostic, so
the Tiny-ImageNet runs share the CIFAR stems' check). Every other config
runs the same test with the backbone narrowed (same type, fewer channels /
layers, same input shape; same mixer, SUMix, head, preprocessor, pipelines
and optimizer). ``test_grid.py`` checks that a leaf's merged config equals
its root's except ``model.mixer`` / ``model.sumix``, so its full-size model
is the one already trained. This keeps ~150 steps (90 at 224 px) within the
CPU test budget; set ``SUMIX_FULL_CONFIG_TESTS=1`` to train every config at
full size (minutes; e.g. on a GPU machine or nightly).
"""
import copy
import os
import os.path as osp

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import sumix_ext  # noqa: F401
from .common import all_configs, load, rel
from .synthetic import build_model, synthetic_batch

CONFIGS = all_configs()
FULL_SIZE_ALL = os.environ.get('SUMIX_FULL_CONFIG_TESTS', '0') not in ('',
                                                                      '0')
_full_size_done = set()  # backbone configs trained at full size


def expected_shape(path: str) -> tuple:
    """(C, H, W) the benchmark trains at."""
    folder = rel(path).split(osp.sep)[0]
    if folder == 'fashion_mnist':
        return (1, 28, 28)
    if folder == 'cifar100':
        return (3, 224, 224) if '224px' in osp.basename(path) else (3, 32,
                                                                      32)
    if folder == 'tiny_imagenet':
        return (3, 64, 64)
    if folder == 'custom':
        return (1 if 'grey' in osp.basename(path) else 3, 64, 64)
    return (3, 224, 224)


def narrow_backbone(cfg) -> bool:
    """Shrink ``cfg.model.backbone`` in place (same type, same input
    shape) and fix the head's ``in_channels``; False if the type is
    unknown (then the full model trains)."""
    backbone, head = cfg.model.backbone, cfg.model.head
    kind = backbone['type']
    backbone.pop('init_cfg', None)
    if kind in ('ResNet', 'ResNet_CIFAR'):
        backbone.update(stem_channels=8, base_channels=8)
        head.in_channels = 64 * (4 if backbone['depth'] >= 50 else 1)
    elif kind in ('ResNeXt', 'ResNeXt_CIFAR'):
        backbone.update(stem_channels=8, base_channels=8, groups=2,
                        width_per_group=4)
        head.in_channels = 256
    elif kind == 'WideResNet_CIFAR':
        backbone.update(depth=10, widen_factor=1)
        head.in_channels = 64
    elif kind == 'VisionTransformer':
        # enough layers for an AutoMix Mix Block's stage (a layer index)
        layers = int(cfg.model.get('mask_stage', 0)) + 1
        backbone['arch'] = dict(embed_dims=32, num_layers=layers,
                                num_heads=2, feedforward_channels=64)
        head.in_channels = 32
    elif kind == 'SwinTransformer':
        backbone['arch'] = dict(embed_dims=16, depths=[1, 1, 1, 1],
                                num_heads=[1, 1, 1, 1])
        head.in_channels = 128
    else:
        return False
    return True


@pytest.mark.parametrize('path', CONFIGS, ids=[rel(p) for p in CONFIGS])
def test_config_builds_and_trains_one_step(path):
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    cfg = load(path)
    batch = synthetic_batch(cfg, n=2, split='train')
    val = synthetic_batch(cfg, n=1, split='val')
    want = expected_shape(path)
    assert [tuple(x.shape) for x in batch['inputs']] == [want, want]
    assert tuple(val['inputs'][0].shape) == want

    key = repr(sorted(cfg.model.backbone.to_dict().items()))
    if not FULL_SIZE_ALL and key in _full_size_done:
        cfg = copy.deepcopy(cfg)
        narrow_backbone(cfg)
    _full_size_done.add(key)
    model = build_model(cfg)
    mixer_cfg, sumix_cfg = cfg.model.get('mixer'), cfg.model.get('sumix')
    if mixer_cfg is None:
        assert model.mixer is None
    else:
        assert type(model.mixer).__name__ == mixer_cfg['type']
    assert (model.sumix is None) == (sumix_cfg is None)

    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = model.head.fc.weight.detach().clone()
    model.train()
    log_vars = model.train_step(batch, optim_wrapper)

    assert torch.isfinite(log_vars['loss'])
    assert not torch.equal(before, model.head.fc.weight)
    if sumix_cfg is not None:
        assert {'lam', 'lam_tilde', 'sumix_reg', 'ce_a',
                'ce_b'} <= set(log_vars)
        assert 0.0 <= float(log_vars['lam_tilde']) <= 1.0
    elif mixer_cfg is not None:
        assert 'lam' in log_vars and 'lam_tilde' not in log_vars
        # the published label rules are used, not the area
        if mixer_cfg['type'] == 'BatchSnapMix':
            assert {'rho_a', 'rho_b'} <= set(log_vars)
        if mixer_cfg['type'] == 'BatchTransMix':
            assert 'lam_transmix' in log_vars
    else:
        assert 'lam' not in log_vars
