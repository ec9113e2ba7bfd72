"""WideResNet_CIFAR: WRN-d-k with pre-activation basic blocks."""
import pytest
import torch
from mmpretrain.registry import MODELS

import sumix_ext  # noqa: F401
from sumix_ext.models.backbones import WideBasicBlock, WideResNet_CIFAR


def test_wrn_28_8_structure_and_size():
    model = WideResNet_CIFAR(depth=28, widen_factor=8)
    assert [len(g) for g in model.groups] == [4, 4, 4]
    assert model.out_channels == [128, 256, 512]
    n_params = sum(p.numel() for p in model.parameters())
    # Zagoruyko & Komodakis report 23.4M parameters for WRN-28-8 (w/o fc)
    assert 23.2e6 < n_params < 23.5e6


@pytest.mark.parametrize('size', [32, 64])
def test_output_shapes(size):
    model = MODELS.build(dict(type='WideResNet_CIFAR', depth=16,
                              widen_factor=2, out_indices=(0, 1, 2)))
    outs = model(torch.randn(2, 3, size, size))
    assert [o.shape for o in outs] == [
        (2, 32, size, size), (2, 64, size // 2, size // 2),
        (2, 128, size // 4, size // 4)
    ]
    # the last output is taken after the final BN-ReLU
    assert outs[-1].min() >= 0


def test_block_is_preactivation_with_projection():
    block = WideBasicBlock(8, 16, stride=2).eval()
    x = torch.randn(1, 8, 8, 8)
    act = torch.relu(block.bn1(x))
    expected = block.conv2(torch.relu(block.bn2(block.conv1(act)))) + \
        block.shortcut(act)
    assert torch.allclose(block(x), expected, atol=1e-6)
    identity = WideBasicBlock(8, 8, stride=1).eval()
    assert identity.shortcut is None
    with torch.no_grad():
        identity.conv2.weight.zero_()
    assert torch.allclose(identity(x), x)  # residual path only


def test_gradient_flows_to_the_stem():
    model = WideResNet_CIFAR(depth=16, widen_factor=1)
    model.train()
    model(torch.randn(2, 3, 32, 32))[-1].sum().backward()
    assert model.conv1.weight.grad.abs().sum() > 0


@pytest.mark.parametrize('kwargs,msg', [
    (dict(depth=27), r'depth must be 6n\+4'),
    (dict(widen_factor=0), 'widen_factor must be >= 1'),
    (dict(out_indices=(3, )), r'out_indices must be a non-empty subset'),
])
def test_bad_arguments(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        WideResNet_CIFAR(**kwargs)
