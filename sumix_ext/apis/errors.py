"""Turn expected user errors into one line, not a traceback."""
import contextlib
import os
import re
import sys

from .signals import RunTerminated

DEBUG_ENV = 'SUMIX_DEBUG'
_WORKER_TRACEBACK = 'Original Traceback (most recent call last):'
_UNEXPECTED_KWARG = re.compile(r"unexpected keyword argument '(\w+)'")


def _user_error_types() -> tuple:
    from ..compat.torch_load import CheckpointLoadError
    from ..engine.work_dir_lock import WorkDirBusyError
    return (OSError, KeyError, ValueError, TypeError, SyntaxError,
            CheckpointLoadError, FloatingPointError, _DataRuntimeError,
            WorkDirBusyError)


class _DataRuntimeError(RuntimeError):
    """Marker: RuntimeErrors that are data problems, not bugs."""


#: RuntimeError messages that describe the user's data (others are bugs and
#: keep their traceback)
_DATA_RUNTIME_ERRORS = ('Found 0 files in subfolders of', )


#: exception types whose name the line keeps (the message alone may be a
#: bare key or index, e.g. KeyError('img'))
_KEEP_TYPE = (KeyError, IndexError, TypeError, SyntaxError)


def _os_error_line(exc: OSError) -> str:
    import errno
    name = exc.filename or ''
    if exc.errno == errno.ENOSPC:
        name = name or 'a file of the run (logs or checkpoints)'
        return (f'no space left on the device while writing {name}; free '
                'space or choose another --work-dir (complete checkpoints '
                'already on disk are kept)')
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f'cannot write {name}: {exc.strerror}; choose a writable '
                '--work-dir (or fix the folder permissions)')
    return f'{type(exc).__name__}: {exc}'


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(
            exc, (FileNotFoundError, NotADirectoryError)):
        return f'error: {_os_error_line(exc)}'
    if isinstance(exc, SyntaxError) and exc.filename:
        return (f'error: SyntaxError in {exc.filename}, line {exc.lineno}: '
                f'{exc.msg}; fix that file (a config or one of its _base_ '
                'files)')
    msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    text = str(msg)
    if _WORKER_TRACEBACK in text:
        # re-raised from a DataLoader worker: keep the original last line
        lines = [ln for ln in text.splitlines() if ln.strip()]
        text = lines[-1] if lines else text
        if ': ' in text and text.split(': ', 1)[0].isidentifier():
            text = text.split(': ', 1)[1]  # drop "ValueError: "
    text = ' '.join(text.split())
    # mmengine prefixes build errors with "class `X` in path/to/x.py: ".
    while text.startswith('class `') and ': ' in text:
        text = text.split(': ', 1)[1]
    if 'Found 0 files in subfolders of' in text:
        text += ('; put the images in <data_prefix>/<class>/ sub-folders (or '
                 'give an ann_file) and check data_root / data_prefix')
    typo = _UNEXPECTED_KWARG.search(text)
    if isinstance(exc, TypeError) and typo:
        text += (f"; '{typo.group(1)}' is not an argument there: check its "
                 'spelling in the config, its _base_ files and '
                 '--cfg-options')
    bare = isinstance(exc, KeyError) and len(text.split()) > 1
    if isinstance(exc, _KEEP_TYPE) and not bare and not text.startswith(
            type(exc).__name__):
        text = f'{type(exc).__name__}: {text}'
    return f'error: {text}'


@contextlib.contextmanager
def cli_errors():
    """Report expected errors as ``error: <cause and fix>`` and exit 2.

    Set ``SUMIX_DEBUG=1`` to get the full traceback instead.
    """
    try:
        try:
            yield
        except RuntimeError as exc:
            if any(m in str(exc) for m in _DATA_RUNTIME_ERRORS):
                raise _DataRuntimeError(str(exc)) from exc
            raise
    except _user_error_types() as exc:
        if os.environ.get(DEBUG_ENV, '0') not in ('', '0'):
            raise
        # the error is the last line of stderr (what a user and a log
        # tail see first)
        print(f'(set {DEBUG_ENV}=1 for the full traceback)', file=sys.stderr)
        print(_one_line(exc), file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        if os.environ.get(DEBUG_ENV, '0') not in ('', '0'):
            raise
        print('error: interrupted (Ctrl-C); the complete checkpoints in the '
              'work dir are kept and its lock is freed: rerun with --resume '
              'to continue', file=sys.stderr)
        sys.exit(130)
    except RunTerminated as exc:
        if os.environ.get(DEBUG_ENV, '0') not in ('', '0'):
            raise
        print(f'error: stopped by {exc} (a scheduler or kill); the complete '
              'checkpoints in the work dir are kept and its lock is freed: '
              'rerun with --resume to continue', file=sys.stderr)
        sys.exit(exc.exit_code)
