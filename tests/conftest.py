"""Shared fixtures: tiny generated data, tiny models, subprocess runner."""
import gzip
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))

# keep the 2-core CI machine responsive: one intra-op thread per test process
torch.set_num_threads(1)


def write_idx(path: str, array: np.ndarray) -> None:
    """Write ``array`` (uint8) as a gzipped idx file, the MNIST format."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = (0x0800 | array.ndim).to_bytes(4, 'big') + b''.join(
        int(d).to_bytes(4, 'big') for d in array.shape)
    with gzip.open(path, 'wb') as f:
        f.write(header + array.tobytes())


def make_fashion_mnist(root: str, n_train: int = 64, n_test: int = 32,
                       size: int = 28, seed: int = 0) -> str:
    """A tiny Fashion-MNIST in the real file layout; labels are learnable
    (the image brightness pattern depends on the class)."""
    os.makedirs(root, exist_ok=True)
    rng = np.random.default_rng(seed)
    for prefix, n in (('train', n_train), ('t10k', n_test)):
        labels = np.arange(n) % 10
        rng.shuffle(labels)
        imgs = rng.integers(0, 60, (n, size, size))
        for c in range(10):
            r = (c * 2) % (size - 4)
            imgs[labels == c, r:r + 4, :] = 250
        write_idx(osp.join(root, f'{prefix}-images-idx3-ubyte.gz'), imgs)
        write_idx(osp.join(root, f'{prefix}-labels-idx1-ubyte.gz'), labels)
    return root


@pytest.fixture
def fmnist_root(tmp_path):
    return make_fashion_mnist(str(tmp_path / 'fmnist'))


def tiny_fmnist_cfg_options(data_root: str, work_dir: str, epochs: int = 2,
                            sumix: bool = True) -> list:
    """--cfg-options that shrink the demo config to a seconds-long run."""
    opts = [
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'test_dataloader.dataset.data_root={data_root}',
        'train_dataloader.dataset.indices=None',
        'train_dataloader.batch_size=16', 'val_dataloader.batch_size=16',
        'model.backbone.stem_channels=4', 'model.backbone.base_channels=4',
        'model.head.in_channels=32', f'train_cfg.max_epochs={epochs}',
        'train_cfg.val_interval=1', f'param_scheduler.0.T_max={epochs}',
        'default_hooks.logger.interval=1',
    ]
    if not sumix:
        opts.append('model.sumix=None')
    return ['--work-dir', work_dir, '--cfg-options'] + opts


def run_tool(args, timeout=300, env=None, check=True):
    """Run ``python <args>`` from the repo root; return the CompletedProcess."""
    full_env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
                    PYTHONWARNINGS='ignore')
    full_env.update(env or {})
    proc = subprocess.run([sys.executable] + list(args), cwd=REPO,
                          capture_output=True, text=True, timeout=timeout,
                          env=full_env)
    if check and proc.returncode != 0:
        raise AssertionError(f'{args} failed ({proc.returncode}):\n'
                             f'{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}')
    return proc


def build_tiny_classifier(sumix=True, mixer=None, num_classes=10,
                          in_channels=3, clean_pass=None, mix_loss=None,
                          **head_kwargs):
    """A small ResNet-18 (CIFAR stem, 4 base channels) MixupClassifier.

    ``sumix``: True (default ``SUMixLoss``), False/None (off) or a loss
    config dict; ``clean_pass``: the classifier's setting (None = default).
    """
    import sumix_ext  # noqa: F401
    from mmpretrain.registry import MODELS
    cfg = dict(
        type='MixupClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=in_channels,
                      stem_channels=4, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='SUMixHead', num_classes=num_classes, in_channels=32,
                  **head_kwargs),
        mixer=mixer or dict(type='BatchCutMix', alpha=1.0),
        sumix=(sumix if isinstance(sumix, dict) else
               dict(type='SUMixLoss', gamma=0.5) if sumix else None))
    if clean_pass is not None:
        cfg['clean_pass'] = clean_pass
    if mix_loss is not None:
        cfg['mix_loss'] = mix_loss
    return MODELS.build(cfg)


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'slow: minutes on a CPU; run with SUMIX_SLOW_TESTS=1')
    config.addinivalue_line(
        'markers', 'cuda: needs a CUDA GPU (make gpu-check); skipped '
        'without one')


def pytest_collection_modifyitems(config, items):
    import torch
    run_slow = os.environ.get('SUMIX_SLOW_TESTS', '0') not in ('', '0')
    for item in items:
        if 'slow' in item.keywords and not run_slow:
            item.add_marker(pytest.mark.skip(
                reason='slow test: set SUMIX_SLOW_TESTS=1 to run it'))
        if 'cuda' in item.keywords and not torch.cuda.is_available():
            item.add_marker(pytest.mark.skip(reason='no CUDA GPU here'))


_TRAIN_DRIVER = '''
import json, runpy, sys
for argv in json.loads(sys.argv[1]):
    sys.argv = argv
    runpy.run_path(argv[0], run_name='__main__')
    print('RUN_DONE', argv[1], flush=True)
'''


def tiny_run_options(data_root: str, subset: bool = True,
                     stock: bool = False) -> list:
    """--cfg-options for a one-iteration run of a real-layout config on a
    tiny copy of its dataset: batch 2, a narrow ResNet, one epoch validated,
    and no loader worker processes (a finished run's persistent workers
    would otherwise be joined, ~25 s each, when the next run in the same
    process collects them). ``stock``: for mmpretrain's own tools, which
    turn ``persistent_workers`` on where a config has no such key."""
    opts = []
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts += [f'{key}.dataset.data_root={data_root}',
                 f'{key}.batch_size=2', f'{key}.num_workers=0']
        if stock:
            opts.append(f'{key}.persistent_workers=False')
    opts += ['train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
             'train_cfg.val_interval=1', 'model.backbone.stem_channels=8',
             'model.backbone.base_channels=8', 'model.head.in_channels=64',
             'default_hooks.logger.interval=1']
    if subset:  # the tiny copies leave classes out
        opts.append('train_dataloader.dataset.indices=2')
    return opts


def train_in_one_process(runs: list, timeout: int = 600) -> str:
    """Run several ``[script, config, *args]`` trainings in one Python
    process, each as ``python script config ...`` runs it (``runpy``), so
    the imports are paid once; assert each finished and return the output."""
    import json
    proc = run_tool(['-c', _TRAIN_DRIVER, json.dumps(runs)], timeout=timeout)
    out = proc.stdout + proc.stderr
    for argv in runs:
        assert f'RUN_DONE {argv[1]}' in out, argv[1]
    return out
