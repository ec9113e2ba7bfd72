"""CPU bf16 optim wrapper and what ``tools/train.py --amp`` selects."""
import os.path as osp

import pytest
import torch
from mmengine.optim import AmpOptimWrapper, build_optim_wrapper
from mmengine.registry import OPTIM_WRAPPERS
from mmpretrain.structures import DataSample

from sumix_ext.engine.optim_wrappers import (AmpAnyDeviceOptimWrapper,
                                             CPUBf16OptimWrapper)
from tests.conftest import REPO, build_tiny_classifier

DEMO = osp.join(REPO, 'configs/fashion_mnist/'
                'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')


def _train_tool():
    from sumix_ext.commands import train
    return train


def _batch(n=8):
    gen = torch.Generator().manual_seed(0)
    inputs = torch.randint(0, 256, (n, 1, 28, 28), generator=gen,
                           dtype=torch.uint8)
    samples = [DataSample().set_gt_label(i % 10) for i in range(n)]
    return dict(inputs=list(inputs), data_samples=samples)


def _tiny_model():
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True, in_channels=1)
    model.data_preprocessor = model.data_preprocessor.__class__(
        num_classes=10, mean=[72.9], std=[90.0])
    return model


def test_amp_flag_on_cpu_selects_bf16_wrapper(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    tool = _train_tool()
    args = tool.parse_args([DEMO, '--amp', '--work-dir', '/tmp/unused'])
    from sumix_ext.apis import load_config
    cfg = tool.merge_args(load_config(DEMO, None), args)
    assert cfg.optim_wrapper.type == 'AmpAnyDeviceOptimWrapper'
    wrapper = build_optim_wrapper(_tiny_model(), cfg.optim_wrapper)
    assert type(wrapper) is CPUBf16OptimWrapper
    assert wrapper.cast_dtype is torch.bfloat16


def test_factory_picks_gpu_amp_when_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    built = {}

    def fake_amp(**kwargs):  # the real one asserts a GPU is present
        built.update(kwargs)
        return 'amp'

    monkeypatch.setattr(
        'sumix_ext.engine.optim_wrappers.amp_any_device.AmpOptimWrapper',
        fake_amp)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    assert AmpAnyDeviceOptimWrapper(optimizer=opt, loss_scale='dynamic') \
        == 'amp'
    assert built['loss_scale'] == 'dynamic'
    assert OPTIM_WRAPPERS.get('AmpAnyDeviceOptimWrapper') is \
        AmpAnyDeviceOptimWrapper
    assert AmpOptimWrapper is not fake_amp


def test_bf16_train_step_autocasts_forward_keeps_fp32_state():
    model = _tiny_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    wrapper = OPTIM_WRAPPERS.build(
        dict(type='CPUBf16OptimWrapper', optimizer=opt, loss_scale='dynamic'))
    seen = {}

    def record(name):
        def hook(module, inputs, output):  # must return None
            seen.setdefault(name, output.dtype)
        return hook

    model.backbone.conv1.register_forward_hook(record('conv'))
    model.head.fc.register_forward_hook(record('fc'))
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    model.train()
    log_vars = model.train_step(_batch(), wrapper)

    assert seen == dict(conv=torch.bfloat16, fc=torch.bfloat16)
    assert torch.isfinite(log_vars['loss'])
    for name, p in model.named_parameters():
        assert p.dtype == torch.float32, name
        assert p.grad is None or p.grad.dtype == torch.float32, name
    for state in opt.state.values():
        assert state['momentum_buffer'].dtype == torch.float32
    changed = [k for k, p in model.named_parameters()
               if not torch.equal(p, before[k])]
    assert 'backbone.conv1.weight' in changed and 'head.fc.weight' in changed

    # outside train_step (validation) nothing is autocast
    seen.clear()
    model.eval()
    with torch.no_grad():
        model.val_step(_batch(2))
    assert seen['conv'] == torch.float32


def test_bf16_training_reduces_loss_on_a_fixed_batch():
    model = _tiny_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    wrapper = CPUBf16OptimWrapper(optimizer=opt)
    model.mixer = None  # plain CE: a deterministic target to fit
    model.sumix = None
    data = _batch(16)
    losses = [model.train_step(data, wrapper)['loss'].item()
              for _ in range(8)]
    assert losses[-1] < 0.7 * losses[0]


@pytest.mark.parametrize('dtype', ['float16', torch.float16])
def test_bf16_wrapper_rejects_other_dtypes(dtype):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match='bfloat16 only'):
        CPUBf16OptimWrapper(optimizer=opt, dtype=dtype)
