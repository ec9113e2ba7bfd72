import sys

import pytest

from tests.conftest import run_tool

SCRIPT = r'''
import os, torch
os.environ.update(RANK="0", LOCAL_RANK="0", WORLD_SIZE="1",
                  MASTER_ADDR="127.0.0.1", MASTER_PORT=os.environ["PORT"])
import sumix_ext
from mmengine.dist import init_dist, get_world_size
from mmengine.model.wrappers import MMDistributedDataParallel
init_dist("pytorch", backend="nccl")  # no GPU: must fall back to gloo
assert torch.distributed.get_backend() == "gloo"
model = MMDistributedDataParallel(module=torch.nn.Linear(2, 2),
                                  device_ids=[0])
print("OK", get_world_size(), type(model).__name__)
'''


def test_pytorch_launcher_on_cpu(tmp_path):
    script = tmp_path / 'dist.py'
    script.write_text(SCRIPT)
    proc = run_tool([str(script)], env=dict(PORT='29617'))
    assert 'OK 1 MMDistributedDataParallel' in proc.stdout
    assert sys.executable


def test_unusable_gpus_stop_unless_cpu_was_asked_for(tmp_path, monkeypatch):
    from sumix_ext.compat import dist_cpu
    gpus = tmp_path / 'gpus'
    gpus.mkdir()
    monkeypatch.setattr(dist_cpu, 'NVIDIA_GPUS', str(gpus))
    monkeypatch.delenv('CUDA_VISIBLE_DEVICES', raising=False)
    monkeypatch.delenv('SUMIX_ALLOW_CPU', raising=False)
    dist_cpu.check_cpu_fallback_wanted()  # driver, but no GPU listed
    (gpus / '0000:3b:00.0').mkdir()
    with pytest.raises(dist_cpu.GPUUnusableError,
                       match='1 GPU.*cannot use them.*SUMIX_ALLOW_CPU=1'):
        dist_cpu.check_cpu_fallback_wanted()
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '')
    dist_cpu.check_cpu_fallback_wanted()  # the user asked for the CPU
    monkeypatch.delenv('CUDA_VISIBLE_DEVICES')
    monkeypatch.setenv('SUMIX_ALLOW_CPU', '1')
    dist_cpu.check_cpu_fallback_wanted()
    monkeypatch.setattr(dist_cpu, 'NVIDIA_GPUS', str(tmp_path / 'none'))
    monkeypatch.delenv('SUMIX_ALLOW_CPU')
    dist_cpu.check_cpu_fallback_wanted()  # no NVIDIA driver at all
