"""ResNeXt_CIFAR: CIFAR stem on mmpretrain's ResNeXt blocks."""
import pytest
import torch
from mmpretrain.models.backbones import ResNeXt
from mmpretrain.registry import MODELS

import sumix_ext  # noqa: F401


def _small(**kwargs):
    # 1/8 width keeps the test fast; the structure (stem, groups, depth)
    # is the one of ResNeXt-50 32x4d
    cfg = dict(type='ResNeXt_CIFAR', depth=50, stem_channels=8,
               base_channels=8, groups=4, width_per_group=4)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_stem_is_3x3_stride1_without_maxpool():
    model = _small()
    assert model.conv1.kernel_size == (3, 3)
    assert model.conv1.stride == (1, 1)
    assert not any(isinstance(m, torch.nn.MaxPool2d) for m in model.modules())
    # the blocks are ResNeXt's grouped bottlenecks
    assert isinstance(model, ResNeXt)
    assert model.layer1[0].conv2.groups == 4


@pytest.mark.parametrize('size,out', [(32, 4), (64, 8)])
def test_output_shape_keeps_cifar_resolution(size, out):
    model = _small(out_indices=(0, 3))
    feats = model(torch.randn(2, 3, size, size))
    assert feats[0].shape == (2, 32, size, size)  # stage 1: no downsample
    assert feats[1].shape == (2, 256, out, out)  # 8 * 4 * 8 = 256 channels


def test_full_resnext50_32x4d_channels():
    model = MODELS.build(dict(type='ResNeXt_CIFAR', depth=50))
    assert model.layer4[-1].conv3.out_channels == 2048
    assert model.layer1[0].conv2.groups == 32
    n_params = sum(p.numel() for p in model.parameters())
    # ImageNet ResNeXt-50 32x4d has 23.0M params without its fc; the CIFAR
    # stem only swaps the 7x7 conv (9.4k) for a 3x3 one (1.7k)
    assert 22.9e6 < n_params < 23.1e6


def test_gradient_flows_to_the_stem():
    model = _small()
    model.train()
    out = model(torch.randn(2, 3, 32, 32))[-1]
    out.mean().backward()
    assert model.conv1.weight.grad is not None
    assert model.conv1.weight.grad.abs().sum() > 0


def test_bad_depth_says_which_are_valid():
    with pytest.raises(ValueError, match=r'depth must be one of \[50, 101'):
        _small(depth=18)
