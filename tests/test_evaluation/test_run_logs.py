import os.path as osp

import pytest

from sumix_ext.evaluation import (find_json_logs, load_records,
                                  median_of_last, split_records)
from tests.test_evaluation.logs import write_run


def test_median_of_last_k():
    assert median_of_last([1, 9, 3, 7, 5], k=10) == 5
    assert median_of_last([100, 1, 2, 3, 4], k=4) == 2.5
    assert median_of_last(list(range(20)), k=10) == 14.5
    with pytest.raises(ValueError, match='empty series'):
        median_of_last([])


def test_resumed_run_is_joined_and_later_records_win(tmp_path):
    root = str(tmp_path)
    write_run(root, 'r', [10, 20, 30], stamp='20260101_000000')
    # resumed from epoch 2: epochs 3 and 4 logged again, epoch 3 differs
    work = write_run(root, 'r', [33, 40], stamp='20260102_000000',
                     start_epoch=3)
    logs = find_json_logs(work)
    assert [osp.basename(p) for p in logs] == [
        '20260101_000000.json', '20260102_000000.json']
    train, val = split_records(load_records(work))
    assert [r['accuracy/top1'] for r in val] == [10, 20, 33, 40]
    assert [r['step'] for r in train] == list(range(1, 9))


def test_scalars_json_fallback_and_broken_lines(tmp_path):
    vis = tmp_path / 'run' / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'scalars.json').write_text(
        '{"accuracy/top1": 50.0, "step": 1}\n\n{"accuracy/top1": 6')
    assert find_json_logs(str(tmp_path / 'run')) == [str(vis /
                                                         'scalars.json')]
    assert load_records(str(tmp_path / 'run')) == [{'accuracy/top1': 50.0,
                                                    'step': 1}]
    with pytest.raises(FileNotFoundError, match='no such log file'):
        find_json_logs(str(tmp_path / 'missing'))
