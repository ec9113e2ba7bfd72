import collections
import os

import numpy as np
import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import _load_checkpoint

from sumix_ext.compat import safe_torch_load
from sumix_ext.compat.torch_load import CheckpointLoadError


class NotAllowed:
    """A class torch's weights_only loader does not know."""

    def __init__(self):
        self.value = 1


def save(path, obj):
    torch.save(obj, path)
    return str(path)


def mmengine_like_checkpoint():
    buf = HistoryBuffer()
    buf.update(1.5)
    return dict(
        meta=dict(epoch=2, seed=np.int64(3),
                  message_hub=dict(log_scalars={'train/loss': buf},
                                   runtime_info={'arr': np.arange(3)})),
        state_dict=collections.OrderedDict(w=torch.ones(2)))


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    path = save(tmp_path / 'ckpt.pth', mmengine_like_checkpoint())
    # torch's default (weights_only=True) works once sumix_ext is imported
    ckpt = torch.load(path)
    assert isinstance(ckpt['meta']['message_hub']['log_scalars']['train/loss'],
                      HistoryBuffer)
    # and MMEngine's own loader goes through the same safe path
    ckpt = _load_checkpoint(path, map_location='cpu')
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))


def test_foreign_objects_are_refused_unless_explicitly_allowed(tmp_path):
    path = save(tmp_path / 'evil.pth', dict(obj=NotAllowed()))
    with pytest.raises(CheckpointLoadError, match='--unsafe-load'):
        _load_checkpoint(path)
    with pytest.warns(UserWarning, match='full unpickling'):
        ckpt = safe_torch_load(path, allow_unsafe=True)
    assert ckpt['obj'].value == 1


def test_env_flag_allows_unsafe(tmp_path, monkeypatch):
    path = save(tmp_path / 'evil.pth', dict(obj=NotAllowed()))
    monkeypatch.setenv('SUMIX_UNSAFE_LOAD', '1')
    with pytest.warns(UserWarning):
        assert _load_checkpoint(path)['obj'].value == 1


def test_truncated_and_empty_files_are_named(tmp_path):
    path = save(tmp_path / 'ok.pth', mmengine_like_checkpoint())
    data = open(path, 'rb').read()
    bad = tmp_path / 'cut.pth'
    bad.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointLoadError, match='cut.pth'):
        safe_torch_load(str(bad))
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    with pytest.raises(CheckpointLoadError, match='empty'):
        safe_torch_load(str(empty))
    with pytest.raises(CheckpointLoadError, match='not found'):
        safe_torch_load(str(tmp_path / 'missing.pth'))
    assert os.path.exists(path)
