"""``keep_freed_memory``: freed CPU memory is reused, not page-faulted back.

Each check runs in a fresh interpreter: ``mallopt`` changes the whole
process, and the pytest process must keep glibc's defaults.
"""
import subprocess
import sys

import pytest

from sumix_ext.engine import cpu_malloc
from tests.conftest import REPO, run_tool, tiny_fmnist_cfg_options

pytestmark = pytest.mark.skipif(cpu_malloc._libc() is None,
                                reason='needs glibc')

# minor page faults of 8 steps (after 2 warm-up steps), each allocating,
# filling and freeing 64 MiB
FAULTS = '''
import resource, sys, torch
from sumix_ext.engine.cpu_malloc import applied, keep_freed_memory
if sys.argv[1] == 'keep':
    assert keep_freed_memory() and applied()['trim_threshold'] > 2**30
def step():
    torch.empty(16 * 2**20, dtype=torch.float32).fill_(1.0)
step()
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(8):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
'''


def _faults(mode: str) -> int:
    proc = subprocess.run([sys.executable, '-c', FAULTS, mode], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          check=True)
    return int(proc.stdout.strip().splitlines()[-1])


def test_freed_memory_is_reused_instead_of_faulted_back():
    block = 64 * 2**20 // 4096  # one step's 64 MiB in 4 KiB pages
    default, keep = _faults('default'), _faults('keep')
    # glibc default: the block is mmap'ed and munmap'ed every step
    assert default > 0.9 * 8 * block, default
    # kept: the heap holds it; at most one late re-fault of the block in 8
    # steps (seen once when the heap was still settling), never one a step
    assert keep < 1.1 * block, keep


def test_bad_top_pad_is_a_clear_error():
    with pytest.raises(ValueError, match='top_pad_mb must be >= 0'):
        cpu_malloc.keep_freed_memory(top_pad_mb=-1)


def test_config_switch_reaches_the_runner(fmnist_root, tmp_path):
    work = str(tmp_path / 'work')
    proc = run_tool(['tools/train.py',
                     'configs/fashion_mnist/'
                     'resnet18-w16_cutmix-sumix_fmnist-demo.py'] +
                    tiny_fmnist_cfg_options(fmnist_root, work, epochs=1) +
                    ['env_cfg.cpu_malloc_keep_freed=True'])
    assert 'env_cfg.cpu_malloc_keep_freed: glibc keeps freed memory' in (
        proc.stdout + proc.stderr)


def test_config_switch_rejects_a_non_bool(fmnist_root, tmp_path):
    proc = run_tool(['tools/train.py',
                     'configs/fashion_mnist/'
                     'resnet18-w16_cutmix-sumix_fmnist-demo.py'] +
                    tiny_fmnist_cfg_options(fmnist_root,
                                            str(tmp_path / 'w'), epochs=1) +
                    ['env_cfg.cpu_malloc_keep_freed=yes'], check=False)
    assert proc.returncode == 2
    err = [line for line in proc.stderr.splitlines()
           if line.startswith('error:')]
    assert len(err) == 1 and \
        'cpu_malloc_keep_freed must be True or False' in err[0], \
        proc.stderr[-500:]
    assert 'Traceback' not in proc.stderr
