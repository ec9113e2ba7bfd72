"""Helpers for the reliability tests: tiny configs and JSON log reading."""
import glob
import json
import os.path as osp

from tests.conftest import REPO

DEMO = osp.join(REPO, 'configs', 'fashion_mnist',
                'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')

RANDOM_MIXER = ("dict(type='RandomMixer', mixers=[dict(type='BatchCutMix', "
                "alpha=1.0), dict(type='BatchMixup', alpha=1.0)], "
                'probs=[0.5, 0.3])')


def write_tiny_cfg(path: str, data_root: str, epochs: int = 4,
                   batch_size: int = 16, extra: str = '',
                   val_batch_size: int = 16) -> str:
    """A config inheriting the demo, shrunk to seconds, with SUMix and a
    random mixer chooser; ``param_scheduler`` ends at ``epochs`` explicitly
    so a run stopped early follows the same LR curve."""
    text = f"""_base_ = [{DEMO!r}]
data_root = {data_root!r}
train_dataloader = dict(batch_size={batch_size},
    dataset=dict(data_root=data_root, indices=None))
val_dataloader = dict(batch_size={val_batch_size},
    dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
model = dict(
    backbone=dict(stem_channels=4, base_channels=4),
    head=dict(in_channels=32),
    mixer=dict(_delete_=True, **{RANDOM_MIXER}),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'))
param_scheduler = [dict(type='CosineAnnealingLR', T_max={epochs}, begin=0,
    end={epochs}, by_epoch=True, eta_min=0., convert_to_iter_based=True)]
train_cfg = dict(max_epochs={epochs}, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=3, deterministic=True)
# (``extra`` must not reassign the dataloaders: that drops data_root)
{extra}
"""
    with open(path, 'w') as f:
        f.write(text)
    return path


def json_logs(work_dir: str) -> list:
    """All JSON log records of ``work_dir``, oldest run first."""
    records = []
    for log in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                         '*.json'))):
        if osp.basename(log) == 'scalars.json':  # same records again
            continue
        with open(log) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


TRAIN_KEYS = ('loss', 'lam', 'lam_tilde', 'sumix_reg', 'ce_a', 'ce_b', 'lr')


def train_curve(records: list, epochs=None) -> list:
    """``(epoch, iter, {metric: value})`` for every logged train iteration
    (timing fields dropped)."""
    out = []
    for r in records:
        if 'loss' in r and (epochs is None or r['epoch'] in epochs):
            out.append((r['epoch'], r['iter'],
                        {k: r[k] for k in TRAIN_KEYS if k in r}))
    return out


def val_metrics(records: list) -> list:
    return [(r['step'], r['accuracy/top1']) for r in records
            if 'accuracy/top1' in r]
