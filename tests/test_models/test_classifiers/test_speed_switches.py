"""Speed switches on CPU: channels_last gives the same outputs and trains;
torch.compile trains one iteration with a mixer and SUMix."""
import numpy as np
import pytest
import torch

from tests.conftest import REPO, build_tiny_classifier
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
    """Runs :func:`_check_channels_last` in a child process: on some CPUs
    (seen on an AMD EPYC without AVX-512, torch 2.14.1) torch's own CPU
    kernels abort the process in a channels-last backward. That native
    abort (SIGABRT) is a torch limitation of the machine and skips; a wrong
    output or gradient fails as usual."""
    import signal
    import subprocess
    import sys
    code = ('from tests.test_models.test_classifiers.test_speed_switches '
            'import _check_channels_last; _check_channels_last()')
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode == -signal.SIGABRT:
        pytest.skip('torch aborts a channels-last backward on this CPU '
                    '(native SIGABRT in torch, not in sumix_ext)')
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _check_channels_last():
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

    import sumix_ext  # noqa: F401  (registers MixupClassifier)
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
def test_compile_true_trains_with_a_mixer_and_sumix(tmp_path):
    """``--cfg-options compile=True`` (the runner compiles the network with
    inductor; the mixer and loss run eagerly) trains the demo config,
    shrunk, for 2 iterations with CutMix + SUMix on CPU. The first
    compilation takes minutes on a CPU, hence ``slow``."""
    import os.path as osp

    from tests.conftest import (make_fashion_mnist, run_tool,
                                tiny_fmnist_cfg_options)
    from tests.test_reliability.utils import DEMO
    data = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    work = str(tmp_path / 'w')
    run_tool(['tools/train.py', DEMO] + tiny_fmnist_cfg_options(
        data, work, epochs=1) + ['compile=True'], timeout=1200)
    ckpt = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 2
    assert torch.isfinite(ckpt['state_dict']['head.fc.weight']).all()


def test_compile_compiles_the_network_only(tmp_path):
    """``compile=True``: backbone, neck and head compiled in place (the
    state-dict keys stay), train_step and the mixer are not."""
    from mmengine.config import DictAction

    import sumix_ext  # noqa: F401
    from sumix_ext.apis import build_runner_from_cfg, load_config
    from tests.conftest import make_fashion_mnist, tiny_fmnist_cfg_options
    from tests.test_reliability.utils import DEMO
    data = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    opts = tiny_fmnist_cfg_options(data, str(tmp_path / 'w'), epochs=1)
    options = {k: DictAction._parse_iterable(v)
               for k, v in (o.split('=', 1) for o in opts[3:])}
    cfg = load_config(DEMO, options)
    cfg.work_dir = str(tmp_path / 'w')
    cfg.compile = True
    runner = build_runner_from_cfg(cfg)
    keys = list(runner.model.state_dict())
    step = runner.model.train_step
    runner._maybe_compile('train_step')
    model = runner.model
    for part in (model.backbone, model.neck, model.head):
        assert part._compiled_call_impl is not None
    assert runner.model.train_step == step  # not compiled as a whole
    assert not isinstance(model.mixer, torch.nn.Module)  # runs eagerly
    assert list(runner.model.state_dict()) == keys
    # the runner's logger is bound to this test's captured output: later
    # tests start with fresh MMEngine singletons
    from mmengine.logging import MessageHub, MMLogger
    from mmengine.visualization import Visualizer
    for cls in (MMLogger, MessageHub, Visualizer):
        for name in list(cls._instance_dict):
            if name != 'mmengine':
                cls._instance_dict.pop(name)


def test_compiled_network_does_not_recompile_as_boxes_change():
    """The mixer's box sizes change every step; the compiled network sees
    tensors of one shape, so after the first step nothing recompiles
    (TorchDynamo's frame count stays; the eager backend keeps it cheap)."""
    import numpy as np
    import torch._dynamo as dynamo
    from mmengine.optim import OptimWrapper
    from mmpretrain.structures import DataSample
    from torch._dynamo.utils import counters

    from tests.conftest import build_tiny_classifier
    dynamo.reset()
    counters.clear()
    model = build_tiny_classifier(
        sumix=True, mixer=dict(type='BatchCutMix', alpha=1.0))
    for part in (model.backbone, model.neck, model.head):
        part.compile(backend='eager')
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    g = torch.Generator().manual_seed(0)
    data = dict(inputs=list(torch.randint(0, 255, (8, 3, 32, 32),
                                          generator=g, dtype=torch.uint8)),
                data_samples=[DataSample().set_gt_label(i % 10)
                              for i in range(8)])
    frames, lams = [], set()
    for seed in range(4):
        np.random.seed(seed)
        torch.manual_seed(seed)
        logs = model.train_step(data, wrapper)
        lams.add(round(float(logs['lam']), 4))
        frames.append(counters['frames']['total'])
    assert len(lams) > 1  # the boxes did change
    assert frames[0] > 0 and frames[1:] == [frames[1]] * 3
    assert frames[1] == frames[0], f"recompiled after step 1: {frames}"
    dynamo.reset()
