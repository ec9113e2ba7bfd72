"""The GPU path (pytest -m cuda; skipped without a CUDA GPU). Run by
``make gpu-check`` (tools/gpu_check.sh) on a GPU machine."""
import os.path as osp
import socket

import numpy as np
import pytest
import torch

from sumix_ext.models.losses import sumix_loss
from sumix_ext.models.mixers import MIXER_NAMES, build_mixer
from tests.conftest import (REPO, build_tiny_classifier, make_fashion_mnist,
                            run_tool, tiny_fmnist_cfg_options)
from tests.test_models.test_classifiers.test_mixup_classifier import batch

pytestmark = pytest.mark.cuda
DEMO = osp.join(REPO, 'configs', 'fashion_mnist',
                'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')


@pytest.mark.parametrize('name', MIXER_NAMES)
def test_every_mixer_on_cuda_matches_cpu(name):
    x = torch.randn(8, 3, 32, 32)
    outs = []
    for device in ('cpu', 'cuda'):
        np.random.seed(0)
        torch.manual_seed(0)
        out = build_mixer(dict(type=name))(x.to(device))
        assert out.inputs.device.type == device
        outs.append(out)
    lam_cpu = torch.as_tensor(outs[0].lam).float()
    lam_gpu = torch.as_tensor(outs[1].lam).float().cpu()
    # random draws may differ between devices (torch's CUDA generator),
    # so check each result's own invariants rather than equality
    for out in outs:
        assert out.inputs.shape == x.shape and torch.isfinite(
            out.inputs).all()
    assert lam_cpu.shape == lam_gpu.shape


def test_sumix_loss_on_cuda_equals_cpu():
    g = torch.Generator().manual_seed(0)
    args = [torch.randn(16, 10, generator=g) for _ in range(4)]
    y = torch.randint(0, 10, (16, ), generator=g)
    index = torch.randperm(16, generator=g)
    cpu = sumix_loss(*args, y, 0.4, index)
    gpu = sumix_loss(*[a.cuda() for a in args], y.cuda(), 0.4, index.cuda())
    assert torch.allclose(cpu[0], gpu[0].cpu(), atol=1e-5)
    assert torch.allclose(cpu[1], gpu[1].cpu(), atol=1e-5)


@pytest.mark.parametrize('dtype', [None, torch.float16, torch.bfloat16])
def test_classifier_train_step_fp32_fp16_bf16(dtype):
    from mmengine.optim import AmpOptimWrapper, OptimWrapper
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True).cuda()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    wrapper = OptimWrapper(opt) if dtype is None else AmpOptimWrapper(
        optimizer=opt, dtype=dtype, loss_scale='dynamic')
    x, samples = batch(n=8, size=32)
    before = model.head.fc.weight.detach().clone()
    log = model.train_step(dict(inputs=x, data_samples=samples), wrapper)
    assert torch.isfinite(log['loss'])
    assert not torch.equal(before, model.head.fc.weight)


def test_checkpoint_saved_on_gpu_resumes_on_cpu_and_back(tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    work = str(tmp_path / 'w')
    run_tool(['tools/train.py', DEMO] + tiny_fmnist_cfg_options(
        root, work, epochs=1))  # on the GPU
    run_tool(['tools/train.py', DEMO, '--resume'] + tiny_fmnist_cfg_options(
        root, work, epochs=2), env={'CUDA_VISIBLE_DEVICES': ''})  # CPU
    run_tool(['tools/train.py', DEMO, '--resume'] + tiny_fmnist_cfg_options(
        root, work, epochs=3))  # GPU again
    ckpt = torch.load(osp.join(work, 'epoch_3.pth'), map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['epoch'] == 3


def test_one_process_torchrun_with_nccl(tmp_path):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    root = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    out = run_tool(['-m', 'torch.distributed.run', '--nproc_per_node=1',
                    f'--master_port={port}', 'tools/train.py', DEMO,
                    '--launcher', 'pytorch'] + tiny_fmnist_cfg_options(
                        root, str(tmp_path / 'w'), epochs=1), timeout=600)
    assert 'nccl' in (out.stdout + out.stderr)
