"""``make gpu-check`` (tools/gpu_check.sh) on a machine without a usable
CUDA GPU: one ``error:`` line naming the cause and the fix, a non-zero exit,
no traceback, nothing run after the check."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def run_gpu_check(tmp_path, python: str) -> subprocess.CompletedProcess:
    out = tmp_path / 'gpu_check'
    env = dict(os.environ, PY=python, OUT=str(out))
    return subprocess.run(['bash', 'tools/gpu_check.sh'], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason='this machine has a GPU: the check would run')
def test_no_gpu_is_one_line_and_a_failing_exit(tmp_path):
    proc = run_gpu_check(tmp_path, sys.executable)
    assert proc.returncode != 0
    both = proc.stdout + proc.stderr
    assert 'Traceback' not in both and 'AssertionError' not in both
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: make gpu-check needs a usable CUDA GPU '
                           '(torch.cuda.is_available() is False on this '
                           'machine: torch ' + torch.__version__)
    assert 'CUDA build ' in last and last.endswith('run it on a GPU machine')
    # it stops there: no test, training or benchmark started
    assert '== (a)' not in both
    assert sorted(os.listdir(tmp_path / 'gpu_check')) == ['gpu.txt']


def test_missing_python_is_one_line(tmp_path):
    proc = run_gpu_check(tmp_path, str(tmp_path / 'no-venv' / 'python'))
    assert proc.returncode != 0
    assert 'Traceback' not in proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: make gpu-check needs the project's python, but PY="
        f"{tmp_path / 'no-venv' / 'python'} is not there; run make setup "
        'first (or set PY=/path/to/python)']
