"""Launchers: dist_train.sh / dist_test.sh on CPU (2 processes, gloo), the
slurm scripts' arguments (fake ``srun``) and the slurm launcher on CPU."""

import os
import os.path as osp
import socket
import subprocess
import sys

import pytest

from tests.conftest import REPO, tiny_fmnist_cfg_options

DEMO = 'configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py'

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def run_sh(args, env=None, timeout=240):
    """``bash args`` from the repo root, on CPU even where GPUs exist."""
    full_env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
                    PYTHONWARNINGS='ignore', PYTHON=sys.executable,
                    CUDA_VISIBLE_DEVICES='')
    full_env.update(env or {})
    return subprocess.run(['bash'] + list(args), cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)

def test_dist_train_and_test_two_cpu_processes(fmnist_root, tmp_path):
    work = str(tmp_path / 'work')
    proc = run_sh(['tools/dist_train.sh', DEMO, '2'] +
                  tiny_fmnist_cfg_options(fmnist_root, work, epochs=1),
                  env=dict(PORT=str(free_port())))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'Distributed training: True' in out
    # 64 images / (2 ranks x 16) = 2 iterations per epoch (4 on one rank)
    assert 'Epoch(train) [1][2/2]' in out
    assert 'accuracy/top1' in out  # validated
    ckpt = osp.join(work, 'epoch_1.pth')
    assert osp.isfile(ckpt)
    proc = run_sh(['tools/dist_test.sh', DEMO, ckpt, '2', '--work-dir',
                   str(tmp_path / 'test'), '--cfg-options'] +
                  tiny_fmnist_cfg_options(fmnist_root, work)[3:],
                  env=dict(PORT=str(free_port())))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'Epoch(test)' in out and 'accuracy/top1' in out

@pytest.fixture
def fake_srun(tmp_path):
    """A ``srun`` on PATH that records its arguments, one per line."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    record = tmp_path / 'srun_args'
    srun = bin_dir / 'srun'
    srun.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$@" > {record}\n')
    srun.chmod(0o755)
    env = dict(PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}')
    return env, record

def test_slurm_train_passes_partition_resources_and_args(fake_srun):
    env, record = fake_srun
    env.update(GPUS='4', GPUS_PER_NODE='2', CPUS_PER_TASK='3',
               SRUN_ARGS='--quotatype=auto')
    proc = run_sh(['tools/slurm_train.sh', 'gpu-part', 'sumix', DEMO,
                   'work_dirs/x', '--amp', '--cfg-options', 'a=1'], env)
    assert proc.returncode == 0, proc.stderr
    assert record.read_text().splitlines() == [
        '-p', 'gpu-part', '--job-name=sumix', '--gres=gpu:2', '--ntasks=4',
        '--ntasks-per-node=2', '--cpus-per-task=3', '--kill-on-bad-exit=1',
        '--quotatype=auto', sys.executable, '-u',
        osp.join(REPO, 'tools', 'train.py'), DEMO, '--work-dir=work_dirs/x',
        '--launcher=slurm', '--amp', '--cfg-options', 'a=1'
    ]

def test_slurm_test_on_a_cpu_partition(fake_srun):
    env, record = fake_srun
    env.update(GPUS='2', GPUS_PER_NODE='0')
    proc = run_sh(['tools/slurm_test.sh', 'cpu', 'ev', DEMO, 'ep.pth'], env)
    assert proc.returncode == 0, proc.stderr
    args = record.read_text().splitlines()
    assert not any(a.startswith('--gres') for a in args)
    assert args[:6] == ['-p', 'cpu', '--job-name=ev', '--ntasks=2',
                        '--ntasks-per-node=2', '--cpus-per-task=5']
    assert args[-4:] == [osp.join(REPO, 'tools', 'test.py'), DEMO, 'ep.pth',
                         '--launcher=slurm']

@pytest.mark.parametrize('script,n', [('dist_train.sh', 2),
                                      ('dist_test.sh', 3),
                                      ('slurm_train.sh', 4),
                                      ('slurm_test.sh', 4)])
def test_missing_arguments_print_usage(script, n):
    proc = run_sh([f'tools/{script}'] + ['x'] * (n - 1))
    assert proc.returncode == 2
    assert f'usage: tools/{script}' in proc.stderr

# loads only sumix_ext/compat/dist_cpu.py (not the whole package: faster)
SLURM_INIT = r'''
import importlib.util, os, sys, torch
spec = importlib.util.spec_from_file_location("dist_cpu", sys.argv[1])
dist_cpu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dist_cpu)
dist_cpu.apply_dist_cpu_fix()
from mmengine.dist import init_dist, get_rank, get_world_size
init_dist("slurm", backend="nccl")  # no GPU: must fall back to gloo
assert torch.distributed.get_backend() == "gloo"
print("OK", get_rank(), get_world_size(), os.environ["MASTER_ADDR"])
'''


def test_slurm_launcher_inits_gloo_on_cpu(tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    scontrol = bin_dir / 'scontrol'
    scontrol.write_text('#!/usr/bin/env bash\necho 127.0.0.1\n')
    scontrol.chmod(0o755)
    script = tmp_path / 'slurm_init.py'
    script.write_text(SLURM_INIT)
    env = {k: v for k, v in os.environ.items() if not k.startswith('SLURM')}
    env.pop('MASTER_ADDR', None)
    env.update(SLURM_PROCID='0', SLURM_NTASKS='1', SLURM_NODELIST='node1',
               MASTER_PORT=str(free_port()), CUDA_VISIBLE_DEVICES='',
               OMP_NUM_THREADS='1',
               PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}')
    proc = subprocess.run([sys.executable, str(script), osp.join(
        REPO, 'sumix_ext', 'compat', 'dist_cpu.py')], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'OK 0 1 127.0.0.1' in proc.stdout


def test_dist_train_with_a_taken_port_is_one_line(tmp_path):
    """Issue 19 case 12: the port is checked before torchrun starts."""
    taken = socket.socket()
    taken.bind(('', 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        proc = subprocess.run(
            ['bash', 'tools/dist_train.sh', 'configs/fashion_mnist/'
             'resnet18-w16_cutmix_1xb64-4e_fmnist.py', '2'], cwd=REPO,
            capture_output=True, text=True, timeout=120,
            env=dict(os.environ, PORT=str(port)))
    finally:
        taken.close()
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f'port {port} is already in use' in lines[0]
    assert 'PORT=' in lines[0]
