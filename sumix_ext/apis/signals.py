"""SIGTERM ends a run as Ctrl-C does: through the ``finally`` blocks.

Python's default SIGTERM action kills the process on the spot: no
``finally`` runs, so the work folder's lock stayed behind and the run ended
with exit 143 and an empty stderr. :func:`stop_on_signals` turns SIGTERM
into :class:`RunTerminated` (a ``BaseException``, so no ``except
Exception`` inside MMEngine swallows it), which unwinds the run - the lock
is freed, a half-written checkpoint's ``.tmp`` is removed - and
:func:`~sumix_ext.apis.cli_errors` reports it in one line with exit status
``128 + signal`` (143), the shell's convention.
"""
import contextlib
import os
import signal
import threading
from typing import Iterator, Sequence


class RunTerminated(BaseException):
    """The process was asked to stop by a signal (SIGTERM)."""

    def __init__(self, signum: int):
        self.signum = int(signum)
        super().__init__(signal.Signals(self.signum).name)

    @property
    def exit_code(self) -> int:
        """``128 + signal number``, as a shell reports a killed command."""
        return 128 + self.signum


@contextlib.contextmanager
def stop_on_signals(signums: Sequence[int] = (signal.SIGTERM, )
                    ) -> Iterator[None]:
    """Raise :class:`RunTerminated` in the main thread on ``signums`` for
    the duration of the block (nothing changes outside the main thread).

    A process forked inside the block (a DataLoader worker) inherits the
    handler; there it restores the default action and re-sends the signal
    to itself, so workers still end as before.

    Args:
        signums (Sequence[int]): Signals to catch. Defaults to SIGTERM
            (SIGINT already raises ``KeyboardInterrupt``).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum, frame):
        if os.getpid() != owner:  # a forked child: default behaviour
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise RunTerminated(signum)

    previous = {s: signal.signal(s, handler) for s in signums}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
