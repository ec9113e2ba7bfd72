"""cli_errors: expected errors become one ``error:`` line, exit status 2."""
import pytest

from sumix_ext.apis import cli_errors


def _line(capsys, exc):
    with pytest.raises(SystemExit) as exit_info, cli_errors():
        raise exc
    assert exit_info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith('(set SUMIX_DEBUG=1')
    return lines[1]  # the error is the last line


def test_dataloader_worker_error_keeps_the_original_message(capsys):
    # what torch re-raises in the main process for a worker's ValueError
    exc = ValueError(
        'Caught ValueError in DataLoader worker process 0.\n'
        'Original Traceback (most recent call last):\n'
        '  File "/x/worker.py", line 349, in _worker_loop\n'
        '    data = fetcher.fetch(index)\n'
        'ValueError: cannot read image /d/cat/1.jpg: truncated; replace it')
    assert _line(capsys, exc) == ('error: cannot read image /d/cat/1.jpg: '
                                  'truncated; replace it')


def test_mmengine_build_prefix_is_dropped_and_typo_hinted(capsys):
    exc = TypeError('class `SUMixHead` in /x/sumix_head.py: ClsHead.__init__'
                    "() got an unexpected keyword argument 'num_clases'")
    line = _line(capsys, exc)
    assert line.startswith(
        'error: TypeError: ClsHead.__init__() got an unexpected')
    assert "'num_clases' is not an argument there" in line
    assert 'its _base_ files' in line


def test_bare_key_error_keeps_its_type(capsys):
    assert _line(capsys, KeyError('img')) == 'error: KeyError: img'


def test_os_errors_name_the_file_and_the_fix(capsys):
    import errno
    full = OSError(errno.ENOSPC, 'No space left on device', '/w/epoch_3.pth')
    line = _line(capsys, full)
    assert '/w/epoch_3.pth' in line and 'free space' in line
    denied = PermissionError(errno.EACCES, 'Permission denied', '/ro/w')
    line = _line(capsys, denied)
    assert 'cannot write /ro/w' in line and 'writable --work-dir' in line


def test_empty_image_folder_is_one_line(capsys):
    line = _line(capsys, RuntimeError(
        'Found 0 files in subfolders of: /d/train. Supported extensions '
        'are: .jpg,.png'))
    assert 'Found 0 files' in line and 'sub-folders' in line


def test_debug_env_shows_the_traceback(monkeypatch):
    monkeypatch.setenv('SUMIX_DEBUG', '1')
    with pytest.raises(ValueError, match='boom'), cli_errors():
        raise ValueError('boom')


def test_unexpected_errors_are_not_hidden():
    with pytest.raises(RuntimeError), cli_errors():
        raise RuntimeError('a bug, not a user error')
