"""Speed switches on CPU: channels_last gives the same outputs and trains;
torch.compile trains one iteration with a mixer and SUMix."""
import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper

from tests.conftest import build_tiny_classifier
from tests.test_models.test_classifiers.test_mixup_classifier import batch


def _pair():
    torch.manual_seed(0)
    plain = build_tiny_classifier(sumix=True)
    torch.manual_seed(0)
    fast = build_tiny_classifier(sumix=True)
    fast.load_state_dict(plain.state_dict())
    fast.channels_last = True
    fast.to(memory_format=torch.channels_last)
    return plain, fast


def test_channels_last_same_outputs_and_weights_in_that_format():
    plain, fast = _pair()
    conv = fast.backbone.conv1.weight
    assert conv.is_contiguous(memory_format=torch.channels_last)
    x, samples = batch(n=4)
    plain.eval(), fast.eval()
    with torch.no_grad():
        assert torch.allclose(plain(x), fast(x), atol=1e-5)
    # training: same SUMix loss for the same draws, gradients everywhere
    plain.train(), fast.train()
    losses = []
    for model in (plain, fast):
        np.random.seed(3)
        torch.manual_seed(3)
        losses.append(model.loss(x, samples)['loss'])
    assert torch.allclose(losses[0], losses[1], atol=1e-5)
    losses[1].backward()
    assert fast.head.fc.weight.grad.abs().sum() > 0


def test_channels_last_from_config_and_validated():
    from mmpretrain.registry import MODELS
    cfg = dict(type='MixupClassifier',
               backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                             base_channels=4),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='SUMixHead', num_classes=10, in_channels=32),
               mixer=dict(type='BatchCutMix'), channels_last=True)
    model = MODELS.build(cfg)
    assert model.backbone.conv1.weight.is_contiguous(
        memory_format=torch.channels_last)
    with pytest.raises(ValueError, match='channels_last'):
        MODELS.build(dict(cfg, channels_last='yes'))


@pytest.mark.slow
def test_compile_trains_one_iteration_with_sumix():
    """``compile=True`` in a config is MMEngine's ``torch.compile`` of the
    train step; here the same call on the model (inductor on CPU)."""
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    model.train()
    compiled = torch.compile(model.loss)
    x, samples = batch(n=4, size=16)
    before = model.head.fc.weight.detach().clone()
    losses = compiled(x, samples)
    optim.update_params(losses['loss'])
    assert torch.isfinite(losses['loss'])
    assert not torch.equal(before, model.head.fc.weight)
