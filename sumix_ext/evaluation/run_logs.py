"""Read MMEngine's JSON scalar logs of a run (``vis_data/*.json``)."""
import glob
import json
import os.path as osp
from typing import Dict, List, Sequence

VAL_TOP1 = 'accuracy/top1'


def find_json_logs(path: str) -> List[str]:
    """The JSON scalar logs of a run, oldest first.

    Args:
        path (str): A work dir (``<work_dir>/<timestamp>/vis_data/*.json``,
            one per launch, e.g. after ``--resume``), a timestamp dir, or a
            ``.json`` file.

    Returns:
        list[str]: Log files sorted by timestamp. MMEngine writes the same
        records to ``<timestamp>.json`` and ``scalars.json``; the former is
        preferred.
    """
    if osp.isfile(path):
        return [path]
    if not osp.isdir(path):
        raise FileNotFoundError(f'no such log file or work dir: {path}')
    logs = []
    for vis in sorted(glob.glob(osp.join(path, '*', 'vis_data')) +
                      glob.glob(osp.join(path, 'vis_data'))):
        stamp = osp.basename(osp.dirname(vis))
        named = osp.join(vis, f'{stamp}.json')
        scalars = osp.join(vis, 'scalars.json')
        if osp.isfile(named):
            logs.append(named)
        elif osp.isfile(scalars):
            logs.append(scalars)
    return logs


def load_records(path: str) -> List[Dict]:
    """All records of a run's JSON logs, in order (bad lines skipped).

    Args:
        path (str): See :func:`find_json_logs`.

    Returns:
        list[dict]: One dict per logged line, e.g. ``{"loss": 2.1, "lr":
        0.1, "epoch": 1, "iter": 50, "step": 50}`` (train) or
        ``{"accuracy/top1": 71.2, "step": 4}`` (validation).
    """
    records = []
    for log in find_json_logs(path):
        with open(log) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a line cut off by a killed run
    return records


def split_records(records: Sequence[Dict], val_key: str = VAL_TOP1):
    """Split records into train and validation series.

    A resumed run logs some steps twice; the later record wins.

    Args:
        records (Sequence[dict]): From :func:`load_records`.
        val_key (str): Key that marks validation records.

    Returns:
        tuple: ``(train, val)``: lists of dicts sorted by ``step`` (train:
        records with ``loss``; val: records with ``val_key``).
    """
    train, val = {}, {}
    for rec in records:
        if 'step' not in rec:
            continue
        if val_key in rec:
            val[rec['step']] = rec
        elif 'loss' in rec:
            train[rec['step']] = rec
    return ([train[k] for k in sorted(train)], [val[k] for k in sorted(val)])


def median_of_last(values: Sequence[float], k: int = 10) -> float:
    """Median of the last ``k`` values (OpenMixup's reporting protocol).

    Args:
        values (Sequence[float]): A series, e.g. validation top-1 per epoch.
        k (int): How many of the last values (all if fewer).

    Returns:
        float: The median (mean of the two middle values for an even count).
    """
    if not values:
        raise ValueError('median_of_last: empty series (no validation '
                         'results logged?)')
    tail = sorted(values[-k:])
    mid = len(tail) // 2
    if len(tail) % 2:
        return float(tail[mid])
    return (tail[mid - 1] + tail[mid]) / 2.0
