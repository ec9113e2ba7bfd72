"""Issue #6, guarantee 3: checkpoints from elsewhere are loaded with
``weights_only=True``; full unpickling needs ``--unsafe-load`` and warns.
A truncated checkpoint is named, not unpickled. Through the real tools,
in-process."""
import argparse
import os.path as osp

import pytest
import torch

from tests.conftest import tiny_fmnist_cfg_options
from tests.test_apis.test_bad_inputs import (  # noqa: F401  (fixtures)
    _cfg, _error_line, _fast_config_text, _command, data)
from tests.test_reliability.utils import DEMO

TEST = _command('test')
TRAIN = _command('train')


def _foreign(tmp_path):
    """A 'downloaded' checkpoint holding a non-weight object."""
    path = str(tmp_path / 'downloaded.pth')
    torch.save({'state_dict': {}, 'meta': argparse.Namespace(x=1)}, path)
    return path


def test_foreign_checkpoint_refused_by_tools_test(capsys, data, tmp_path):
    ckpt = _foreign(tmp_path)
    opts = tiny_fmnist_cfg_options(data, str(tmp_path / 'w'))
    line = _error_line(capsys, [DEMO, ckpt, '--work-dir', opts[1]] + opts[2:],
                       tool=TEST)
    assert f'refused to unpickle {ckpt}' in line and '--unsafe-load' in line


def test_unsafe_load_flag_falls_back_with_warning(capsys, data, tmp_path,
                                                  monkeypatch):
    monkeypatch.delenv('SUMIX_UNSAFE_LOAD', raising=False)
    ckpt = _foreign(tmp_path)
    opts = tiny_fmnist_cfg_options(data, str(tmp_path / 'w'))
    # the file is unpickled (with the warning), then refused because its
    # (empty) state dict fits no key of the model: no chance-level metric
    with pytest.warns(UserWarning, match='full unpickling'):
        line = _error_line(capsys, [DEMO, ckpt, '--unsafe-load',
                                    '--work-dir', opts[1]] + opts[2:],
                           tool=TEST)
    assert 'does not fit the model' in line and 'no key fits' in line
    from sumix_ext.compat import allow_unsafe_load
    allow_unsafe_load(False)


@pytest.mark.parametrize('how', ['load_from', 'pretrained'])
def test_foreign_load_from_and_pretrained_refused(capsys, data, tmp_path,
                                                  how):
    ckpt = _foreign(tmp_path)
    config = DEMO
    options = [f'load_from={ckpt}']
    if how == 'pretrained':
        config, options = _cfg(tmp_path, (
            "model = dict(backbone=dict(init_cfg=dict(type='Pretrained', "
            f'checkpoint={ckpt!r})))')), []
    argv = [config] + tiny_fmnist_cfg_options(data, str(tmp_path / 'w'),
                                              epochs=1) + options
    line = _error_line(capsys, argv)
    assert f'refused to unpickle {ckpt}' in line


def test_truncated_resume_checkpoint_is_named(capsys, data, tmp_path):
    ckpt = str(tmp_path / 'epoch_1.pth')
    torch.save({'state_dict': {'w': torch.zeros(1000)}}, ckpt)
    with open(ckpt, 'r+b') as f:
        f.truncate(osp.getsize(ckpt) // 2)
    argv = [DEMO, '--resume', ckpt] + tiny_fmnist_cfg_options(
        data, str(tmp_path / 'w'), epochs=1)
    line = _error_line(capsys, argv)
    assert f'corrupt or truncated: {ckpt}' in line


class _Payload:
    """Unpickling this runs code: it creates the file ``path``."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def test_unsafe_loading_is_scoped_to_the_call_that_asked(tmp_path,
                                                         monkeypatch):
    """Issue 19 case 4: an opt-in for one trusted file (CheckpointSet with
    unsafe_load=True) leaves no process state: a later plain init_model of
    a malicious file refuses it and its payload never runs."""
    monkeypatch.delenv('SUMIX_UNSAFE_LOAD', raising=False)
    from sumix_ext.apis import init_model
    from sumix_ext.compat.torch_load import CheckpointLoadError
    from sumix_ext.evaluation import CheckpointSet
    model = init_model(DEMO, device='cpu')
    trusted = str(tmp_path / 'trusted.pth')
    torch.save({'state_dict': model.state_dict(),
                'meta': argparse.Namespace(note='legacy')}, trusted)
    marker = tmp_path / 'pwned'
    evil = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': model.state_dict(),
                'meta': _Payload(str(marker))}, evil)
    with pytest.warns(UserWarning, match='full unpickling'):
        ckpts = CheckpointSet(DEMO, [trusted], device='cpu',
                              unsafe_load=True)
        assert len([m for _, _, m in ckpts]) == 1  # the trusted file loads
    with pytest.raises(CheckpointLoadError, match='refused to unpickle'):
        init_model(DEMO, evil, device='cpu')
    with pytest.raises(CheckpointLoadError, match='refused to unpickle'):
        CheckpointSet(DEMO, [evil], device='cpu').load(evil)
    assert not marker.exists()
    # the same set that asked may still load its own files
    with pytest.warns(UserWarning, match='full unpickling'):
        ckpts.load(trusted)
