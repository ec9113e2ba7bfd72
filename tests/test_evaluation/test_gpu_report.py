"""The GPU check's helpers, on hand-made logs and benchmark JSONs (CPU)."""
import json

import pytest

from sumix_ext.evaluation.gpu_report import amp_speedups, loss_trend
from tests.test_evaluation.logs import write_run


def test_loss_trend(tmp_path):
    write_run(str(tmp_path), 'run', [50.0] * 6,
              train_loss=[2.3, 2.1, 1.9, 1.2, 1.0, 0.9])
    res = loss_trend(str(tmp_path / 'run'), first=4, last=4)
    assert res['falls'] and res['n'] == 12  # 2 iterations per epoch
    write_run(str(tmp_path), 'flat', [50.0] * 6, train_loss=[2.3] * 6)
    assert not loss_trend(str(tmp_path / 'flat'), 4, 4)['falls']
    with pytest.raises(ValueError, match='logged losses'):
        loss_trend(str(tmp_path / 'run'), first=10, last=10)


def test_amp_speedups(tmp_path):
    def bench(name, b, c):
        path = tmp_path / f'{name}.json'
        path.write_text(json.dumps(dict(variants=dict(
            b=dict(name='plain', median_ms=b),
            c=dict(name='sumix', median_ms=c)))))
        return str(path)

    text = amp_speedups({'cifar': (bench('f32', 30.0, 60.0),
                                   bench('f16', 15.0, 50.0))})
    assert '| cifar | (b) plain | 30.0 | 15.0 | 2.00 (met) |' in text
    assert '| cifar | (c) sumix | 60.0 | 50.0 | 1.20 (missed) |' in text
