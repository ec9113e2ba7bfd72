"""Turn expected user errors into one line, not a traceback."""
import contextlib
import os
import re
import sys

DEBUG_ENV = 'SUMIX_DEBUG'
_WORKER_TRACEBACK = 'Original Traceback (most recent call last):'
_UNEXPECTED_KWARG = re.compile(r"unexpected keyword argument '(\w+)'")


def _user_error_types() -> tuple:
    from ..compat.torch_load import CheckpointLoadError
    return (FileNotFoundError, NotADirectoryError, KeyError, ValueError,
            TypeError, CheckpointLoadError, FloatingPointError)


def _one_line(exc: BaseException) -> str:
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
    typo = _UNEXPECTED_KWARG.search(text)
    if isinstance(exc, TypeError) and typo:
        text += (f"; check the spelling of '{typo.group(1)}' in the config "
                 'or --cfg-options')
    return f'error: {text}'


@contextlib.contextmanager
def cli_errors():
    """Report expected errors as ``error: <cause and fix>`` and exit 2.

    Set ``SUMIX_DEBUG=1`` to get the full traceback instead.
    """
    try:
        yield
    except _user_error_types() as exc:
        if os.environ.get(DEBUG_ENV, '0') not in ('', '0'):
            raise
        print(_one_line(exc), file=sys.stderr)
        print(f'(set {DEBUG_ENV}=1 for the full traceback)', file=sys.stderr)
        sys.exit(2)
