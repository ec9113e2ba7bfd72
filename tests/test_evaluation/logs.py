"""Hand-made MMEngine work dirs with known numbers (shared by tests)."""
import json
import os
import os.path as osp
from typing import Optional, Sequence


def write_run(root: str, name: str, top1: Sequence[float],
              stamp: str = '20260101_000000', start_epoch: int = 1,
              train_loss: Optional[Sequence[float]] = None,
              sumix: Optional[bool] = None, mixer: str = 'BatchCutMix',
              iters_per_epoch: int = 2) -> str:
    """Write ``<root>/<name>/<stamp>/vis_data/<stamp>.json`` (+ scalars.json
    and, if ``sumix`` is not None, a dumped ``<name>.py``) as MMEngine does:
    train lines then one validation line per epoch."""
    work = osp.join(root, name)
    vis = osp.join(work, stamp, 'vis_data')
    os.makedirs(vis, exist_ok=True)
    lines = []
    for i, acc in enumerate(top1):
        epoch = start_epoch + i
        for it in range(iters_per_epoch):
            step = (epoch - 1) * iters_per_epoch + it + 1
            loss = train_loss[i] if train_loss else 2.0
            rec = dict(lr=0.1 / epoch, loss=loss, epoch=epoch, iter=step,
                       step=step)
            if sumix:
                rec.update(lam_tilde=0.5 + 0.01 * it, sumix_reg=0.2)
            lines.append(rec)
        lines.append({'accuracy/top1': acc, 'data_time': 0.01,
                      'time': 0.02, 'step': epoch})
    text = '\n'.join(json.dumps(r) for r in lines) + '\n'
    for fname in (f'{stamp}.json', 'scalars.json'):
        with open(osp.join(vis, fname), 'w') as f:
            f.write(text)
    if sumix is not None:
        sumix_cfg = "dict(type='SUMixLoss', gamma=0.5)" if sumix else 'None'
        with open(osp.join(work, f'{name}.py'), 'w') as f:
            f.write("custom_imports = dict(imports=['sumix_ext'])\n"
                    f"model = dict(type='MixupClassifier', mixer=dict("
                    f"type='{mixer}', alpha=0.2), sumix={sumix_cfg})\n")
    return work


EARLY = [10.0, 20.0]  # outside the last-10 window


def make_work_dirs(root):
    """CutMix baseline vs +SUMix, two seeds each, 12 epochs.

    Medians of the last 10: baseline 54.5 / 64.5, SUMix 56.5 / 66.5.
    """
    for seed, base in ((0, 50), (1, 60)):
        write_run(root, f'r18_cutmix_fmnist_seed{seed}',
                  EARLY + [base + i for i in range(10)])
        write_run(root, f'r18_cutmix-sumix_fmnist_seed{seed}',
                  EARLY + [base + 2 + i for i in range(10)])
    # one Mixup baseline without SUMix partner, different k-window effects
    write_run(root, 'r18_mixup_fmnist', [70.0, 90.0, 80.0])
