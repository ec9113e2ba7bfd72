"""Safe checkpoint loading for MMEngine under torch>=2.6.

torch>=2.6 defaults to ``torch.load(weights_only=True)``, which refuses any
class it does not know. Every MMEngine checkpoint stores a
``mmengine.logging.HistoryBuffer`` and numpy arrays in its ``message_hub``,
so ``--resume``, ``load_from`` and ``tools/test.py`` fail with
``Unsupported global: mmengine.logging.history_buffer.HistoryBuffer``.

Policy (see README "Reliability"):

1. The few plain-data classes MMEngine writes are added to torch's
   allow-list (:func:`torch.serialization.add_safe_globals`), and
   ``HistoryBuffer`` no longer pickles its method table (which needs
   ``builtins.getattr``), so our own checkpoints load with
   ``weights_only=True`` - no code runs from them.
2. Every local checkpoint MMEngine loads goes through
   :func:`safe_torch_load`: ``weights_only=True`` first; a file that needs
   more is refused with a message, unless full unpickling is allowed
   explicitly, in which case a warning is logged. The permission is scoped
   to the one call that asked (``--unsafe-load`` / ``unsafe_load=True`` of
   a config, ``CheckpointSet`` or ``init_model``: :func:`unsafe_load_scope`
   around that call only, no process state); the environment variable
   ``SUMIX_UNSAFE_LOAD=1`` is the one deliberate process-wide switch.
3. A missing, empty or truncated file is reported by name, never unpickled.
"""
import contextlib
import contextvars
import os
import pickle
import warnings
import zipfile
from typing import Any, Iterator, List, Optional

import numpy as np
import torch

UNSAFE_LOAD_ENV = 'SUMIX_UNSAFE_LOAD'


class CheckpointLoadError(RuntimeError):
    """A checkpoint could not be loaded; the message says why and the fix."""


def _mmengine_safe_globals() -> List[Any]:
    """Plain-data classes found in MMEngine checkpoints (no code in them)."""
    from mmengine.logging.history_buffer import HistoryBuffer
    items: List[Any] = [HistoryBuffer, np.ndarray, np.dtype]
    core = getattr(np, '_core', None) or np.core
    items += [core.multiarray._reconstruct, core.multiarray.scalar]
    # numpy>=1.25 pickles dtypes as instances of these classes
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        items += [
            getattr(dtypes, name) for name in dir(dtypes)
            if name.endswith('DType')
        ]
    return items


#: the permission of the current call (see :func:`unsafe_load_scope`)
_UNSAFE_SCOPE: contextvars.ContextVar = contextvars.ContextVar(
    'sumix_unsafe_load', default=False)


@contextlib.contextmanager
def unsafe_load_scope(enable: bool = True) -> Iterator[None]:
    """Allow full unpickling inside this block only (the call that asked).

    Loads after the block are safe again, whatever happened inside: an
    opt-in for one trusted file never leaks to a later load.

    Args:
        enable (bool): False makes the block a no-op (no permission).
    """
    token = _UNSAFE_SCOPE.set(bool(enable) or _UNSAFE_SCOPE.get())
    try:
        yield
    finally:
        _UNSAFE_SCOPE.reset(token)


def allow_unsafe_load(enable: bool = True) -> None:
    """Allow full unpickling of checkpoints that ``weights_only`` refuses,
    for the whole process (sets ``SUMIX_UNSAFE_LOAD``: the one deliberate
    global switch; prefer ``unsafe_load=True`` on the call that needs it).

    Only for files you trust: unpickling can run arbitrary code.

    Args:
        enable (bool): Turn the fallback on (``True``) or off.
    """
    if enable:
        os.environ[UNSAFE_LOAD_ENV] = '1'
    else:
        os.environ.pop(UNSAFE_LOAD_ENV, None)


def _unsafe_allowed() -> bool:
    return _UNSAFE_SCOPE.get() or os.environ.get(
        UNSAFE_LOAD_ENV, '0') not in ('', '0', 'false')


def safe_torch_load(filename: str,
                    map_location: Optional[Any] = None,
                    allow_unsafe: Optional[bool] = None) -> Any:
    """Load a checkpoint with ``weights_only=True`` and clear errors.

    Args:
        filename (str): Path of the checkpoint file.
        map_location: Same as :func:`torch.load`.
        allow_unsafe (bool, optional): Fall back to full unpickling (with a
            warning) when the safe load refuses the file. ``None`` reads the
            ``SUMIX_UNSAFE_LOAD`` environment variable.

    Returns:
        The loaded object (usually a dict with ``state_dict`` and ``meta``).

    Raises:
        CheckpointLoadError: missing, empty, truncated or untrusted file.
    """
    filename = os.fspath(filename)
    if not os.path.isfile(filename):
        raise CheckpointLoadError(
            f'checkpoint not found: {filename}; check the path '
            '(--checkpoint, load_from or --resume)')
    if os.path.getsize(filename) == 0:
        raise CheckpointLoadError(
            f'checkpoint is empty (0 bytes): {filename}; it was not written '
            'completely - delete it and use an earlier checkpoint')
    if zipfile.is_zipfile(filename):
        try:
            with zipfile.ZipFile(filename) as zf:
                bad = zf.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            bad = str(exc)
        if bad is not None:
            raise CheckpointLoadError(
                f'checkpoint is corrupt or truncated: {filename} ({bad}); '
                'delete it and resume from an earlier checkpoint')
    try:
        return torch.load(filename, map_location=map_location,
                          weights_only=True)
    except pickle.UnpicklingError as exc:
        if allow_unsafe is None:
            allow_unsafe = _unsafe_allowed()
        if not allow_unsafe:
            first = str(exc).strip().splitlines()[0][:300]
            raise CheckpointLoadError(
                f'refused to unpickle {filename}: it holds objects beyond '
                f'weights ({first}). If you trust this file, rerun with '
                f'--unsafe-load (or set {UNSAFE_LOAD_ENV}=1 / '
                'unsafe_load=True in the config)') from None
        warnings.warn(
            f'Loading {filename} with full unpickling (weights_only=False) '
            'because unsafe loading was allowed explicitly; this can run '
            'arbitrary code from the file.')
        return torch.load(filename, map_location=map_location,
                          weights_only=False)
    except (RuntimeError, EOFError, zipfile.BadZipFile) as exc:
        raise CheckpointLoadError(
            f'checkpoint is corrupt or truncated: {filename} '
            f'({type(exc).__name__}: {str(exc)[:200]}); delete it and resume '
            'from an earlier checkpoint') from None


_DEFAULT_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_getstate(self) -> dict:
    """Pickle a ``HistoryBuffer`` without its default statistics methods.

    MMEngine's own ``__getstate__`` stores the class-wide method table,
    which pickles as ``builtins.getattr(HistoryBuffer, 'mean')``; allowing
    ``getattr`` in the safe loader would let a file reach arbitrary
    attributes. The defaults are re-created by ``__setstate__`` anyway, so
    only custom statistics (rare) are stored.
    """
    state = dict(self.__dict__)
    state.pop('statistics_methods', None)
    custom = {
        k: v
        for k, v in self._statistics_methods.items()
        if k not in _DEFAULT_STATISTICS
    }
    if custom:
        state['statistics_methods'] = custom
    return state


def _load_from_local(filename: str, map_location=None):
    """MMEngine ``CheckpointLoader`` scheme for local paths."""
    filename = os.path.expanduser(filename)
    return safe_torch_load(filename, map_location=map_location)


def apply_torch_load_fix() -> None:
    """Allow-list MMEngine's data classes and route local loads through
    :func:`safe_torch_load`."""
    from mmengine.logging.history_buffer import HistoryBuffer
    from mmengine.runner.checkpoint import CheckpointLoader
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    torch.serialization.add_safe_globals(_mmengine_safe_globals())
    CheckpointLoader.register_scheme(
        prefixes='', loader=_load_from_local, force=True)
