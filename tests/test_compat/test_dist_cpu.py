import sys

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
