"""A run owns its work folder: a lock file taken before the run's first
write, freed at exit.

``tools/train.py`` holds :func:`work_dir_lock` around the whole run. The
lock ``<work_dir>/sumix_run.lock`` is created atomically (``O_EXCL``) and
records the owner (pid, host, start time, command). A second live run into
the same folder stops at start-up with one line naming the owner and the
fix (another ``--work-dir``). A lock whose process is gone on this host (a
run killed with ``kill -9``, a power loss) is stale: it is taken over with
a warning. In a distributed launch only the process of global rank 0 takes
the lock; the other ranks share it (they write into the folder only through
rank 0 and MMEngine's per-rank logs).
"""
import contextlib
import datetime
import json
import os
import os.path as osp
import socket
import sys
import time
import warnings
from typing import Iterator, Optional

LOCK_NAME = 'sumix_run.lock'
#: seconds after which an empty / unreadable lock counts as stale (another
#: process may be between creating and writing it)
_PARTIAL_LOCK_GRACE = 5.0


class WorkDirBusyError(RuntimeError):
    """Another live run owns the work folder."""


def _global_rank() -> int:
    for var in ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK'):
        if os.environ.get(var, '').isdigit():
            return int(os.environ[var])
    return 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def read_lock(work_dir: str) -> Optional[dict]:
    """The owner recorded in ``work_dir``'s lock, ``{}`` for an unreadable
    lock, None when there is no lock."""
    path = osp.join(work_dir, LOCK_NAME)
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}


def _stale(owner: dict, path: str) -> Optional[str]:
    """Why a lock is stale (its owner is gone), or None if it is live."""
    if not owner:
        age = time.time() - osp.getmtime(path)
        return (f'an unreadable lock {age:.0f} s old'
                if age > _PARTIAL_LOCK_GRACE else None)
    if owner.get('host') != socket.gethostname():
        return None  # cannot check another host's processes: assume live
    pid = int(owner.get('pid', -1))
    if pid == os.getpid() or not _pid_alive(pid):
        return f'its process {pid} is gone'
    return None


def acquire(work_dir: str, command: Optional[str] = None) -> str:
    """Take ``work_dir``'s lock for this process (see the module).

    Args:
        work_dir (str): The run's work folder (created if missing).
        command (str, optional): Recorded for the owner message (default:
            this process's command line).

    Returns:
        str: The lock file's path.

    Raises:
        WorkDirBusyError: A live run owns the folder (one line with the
            owner and the fix).
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_NAME)
    me = dict(pid=os.getpid(), host=socket.gethostname(),
              started=datetime.datetime.now().isoformat(timespec='seconds'),
              command=command or ' '.join([osp.basename(sys.executable)]
                                          + sys.argv))
    for _ in range(50):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = read_lock(work_dir)
            if owner is None:
                continue  # freed meanwhile: try again
            why = _stale(owner, path)
            if why is None and not owner:
                time.sleep(0.2)  # being written by its owner
                continue
            if why is None:
                raise WorkDirBusyError(
                    f"work dir {work_dir} is in use by another run (pid "
                    f"{owner.get('pid')} on {owner.get('host')}, started "
                    f"{owner.get('started')}: {owner.get('command')}); give "
                    'this run another --work-dir, or wait for that run to '
                    f'end (if it is dead on another host, delete {path})')
            warnings.warn(f'taking over the lock of {work_dir}: {why} '
                          f'(owner {owner or "unknown"})', stacklevel=2)
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
            continue
        with os.fdopen(fd, 'w') as f:
            json.dump(me, f)
            f.flush()
            os.fsync(f.fileno())
        return path
    raise WorkDirBusyError(f'could not take the lock {path}: it keeps '
                           'changing owner; give this run another --work-dir')


def release(work_dir: str) -> None:
    """Free ``work_dir``'s lock if this process holds it."""
    owner = read_lock(work_dir)
    if owner and owner.get('pid') == os.getpid() and owner.get(
            'host') == socket.gethostname():
        with contextlib.suppress(FileNotFoundError):
            os.remove(osp.join(work_dir, LOCK_NAME))


@contextlib.contextmanager
def work_dir_lock(work_dir: str,
                  command: Optional[str] = None) -> Iterator[None]:
    """Hold ``work_dir``'s lock for the block (rank 0 only; other ranks of
    a distributed launch share it). Freed at the end of the block, on an
    error, and by an ``atexit`` handler (a signal that ends the process)."""
    if _global_rank() != 0:
        yield
        return
    import atexit
    acquire(work_dir, command)
    atexit.register(release, work_dir)
    try:
        yield
    finally:
        release(work_dir)
        atexit.unregister(release)
