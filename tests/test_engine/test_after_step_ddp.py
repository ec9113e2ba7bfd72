"""SUMixDistributedDataParallel: MMEngine's DDP step plus the model's
``after_train_step`` (AutoMix/SAMix's momentum update under DDP)."""
import glob
import os.path as osp
import re

import numpy as np
import pytest
import torch
import torch.distributed as dist
from mmengine.logging import MessageHub
from mmengine.model import MMDistributedDataParallel

import sumix_ext  # noqa: F401
from sumix_ext.engine.model_wrappers import SUMixDistributedDataParallel
from tests.conftest import REPO, build_tiny_classifier, make_fashion_mnist
from tests.test_models.test_classifiers.test_automix import (_tiny_cfg,
                                                             batch, build,
                                                             sgd)
from tests.test_tools.test_launchers import free_port, run_sh


@pytest.fixture
def one_process_group(tmp_path):
    """A real gloo process group of one process (DDP needs one)."""
    assert not dist.is_initialized()
    dist.init_process_group('gloo', init_method=f'file://{tmp_path}/pg',
                            rank=0, world_size=1)
    hub = MessageHub.get_instance('test_after_step_ddp')  # now current
    hub.update_info('iter', 10)
    hub.update_info('max_iters', 100)
    try:
        yield
    finally:
        MessageHub._instance_dict.pop('test_after_step_ddp', None)
        dist.destroy_process_group()


def _step(model, wrapped):
    torch.manual_seed(1)
    np.random.seed(1)
    x, samples, _ = batch()
    runner = SUMixDistributedDataParallel(model) if wrapped else model
    return runner.train_step(dict(inputs=x, data_samples=samples),
                             sgd(model))


def test_wrapped_automix_step_equals_the_one_process_step(one_process_group):
    """Same seed, same batch: the DDP-wrapped step (world size 1) leaves
    every parameter and buffer, the momentum encoder's included, equal to
    the model's own train_step; and the encoder did move (its EMA ran)."""
    torch.manual_seed(0)
    plain, wrapped = build(), build()
    wrapped.load_state_dict(plain.state_dict())
    k0 = [p.detach().clone() for p in plain.backbone_k.parameters()]
    plain.train(), wrapped.train()
    _step(plain, wrapped=False)
    _step(wrapped, wrapped=True)
    assert wrapped.stepped_by_wrapper and not plain.stepped_by_wrapper
    assert wrapped.momentum == plain.momentum < 1
    for (name, a), b in zip(plain.state_dict().items(),
                            wrapped.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6, msg=name)
    assert any(not torch.equal(a, b) for a, b in
               zip(k0, wrapped.backbone_k.parameters()))


def test_a_model_without_after_step_trains_as_mmengines(one_process_group):
    """No after-step: the wrapper's step is MMDistributedDataParallel's."""
    torch.manual_seed(0)
    a, b = build_tiny_classifier(sumix=False), build_tiny_classifier(
        sumix=False)
    b.load_state_dict(a.state_dict())
    x, samples, _ = batch(n=4, size=16)
    for model, wrapper in ((a, MMDistributedDataParallel),
                           (b, SUMixDistributedDataParallel)):
        torch.manual_seed(2)
        np.random.seed(2)
        wrapper(module=model).train_step(
            dict(inputs=x.clone(), data_samples=samples), sgd(model))
    assert not hasattr(b, 'stepped_by_wrapper')
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.equal(p, q), name


def _ddp_cfg(tmp_path, root, extra=''):
    """The tiny AutoMix config with momentum 0 (no schedule), 2 x 8."""
    base = _tiny_cfg(str(tmp_path / 'automix.py'), root, 'automix', 1)
    path = str(tmp_path / 'automix_ddp.py')
    with open(path, 'w') as f:
        f.write(f"_base_ = [{base!r}]\n"
                "model = dict(momentum=0., momentum_end=None)\n"
                "train_dataloader = dict(batch_size=8)\n" + extra)
    return path


def _dist_train(cfg, work):
    """``bash tools/dist_train.sh CFG 2`` (gloo on CPU)."""
    return run_sh(['tools/dist_train.sh', cfg, '2', '--work-dir', work],
                  env=dict(PORT=str(free_port()), PYTHONPATH=REPO),
                  timeout=400)


def test_automix_trains_under_two_process_ddp(tmp_path):
    """2 gloo processes through tools/train.py: the momentum update runs
    after every step. With momentum 0 the encoder is the online one after
    each step, so the checkpoint's momentum encoder equals the trained
    online backbone, neck-free head_mix included (without the update it
    would still hold the initial weights)."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32, n_test=16)
    work = str(tmp_path / 'w')
    proc = _dist_train(_ddp_cfg(tmp_path, root), work)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    log = open(glob.glob(osp.join(work, '*', '*.log'))[0]).read()
    assert re.search(r'GPU number: 2\b', log)
    state = torch.load(osp.join(work, 'epoch_1.pth'),
                       map_location='cpu')['state_dict']
    online = {k: v for k, v in state.items()
              if k.startswith(('backbone.', 'head_mix.'))
              and 'running_' not in k and 'num_batches' not in k}
    assert len(online) > 20
    for key, value in online.items():
        twin = key.replace('backbone.', 'backbone_k.', 1).replace(
            'head_mix.', 'head_mix_k.', 1)
        assert torch.equal(state[twin], value), twin


def test_automix_under_mmengines_wrapper_is_one_line(tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32, n_test=16)
    cfg = _ddp_cfg(tmp_path, root, "model_wrapper_cfg = dict(type="
                   "'MMDistributedDataParallel', broadcast_buffers=False)\n")
    proc = _dist_train(cfg, str(tmp_path / 'w'))
    assert proc.returncode != 0
    assert re.search(r"error: .*AutoMixClassifier: under DDP its momentum "
                     r"update needs the SUMixDistributedDataParallel",
                     proc.stderr), proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr, proc.stderr[-3000:]
