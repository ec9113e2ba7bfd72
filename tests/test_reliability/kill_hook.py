"""A test-only hook that SIGKILLs the training process at a fixed
iteration (a deterministic crash point for the crash-safety test)."""
import os
import signal

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class KillAtIterHook(Hook):
    """``kill -9`` this process just before training iteration ``at``
    (1-based, counted over the whole run); with ``rank``, only the process
    of that global rank (a dead rank of a distributed launch)."""

    def __init__(self, at: int, rank=None):
        self.at, self.rank = at, rank

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if self.rank is not None and runner.rank != self.rank:
            return
        if runner.iter + 1 == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class SleepAfterIterHook(Hook):
    """Sleep ``seconds`` after every training iteration (keeps a tiny run
    alive long enough for another process to meet it)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        import time
        time.sleep(self.seconds)


@HOOKS.register_module()
class WaitForFileHook(Hook):
    """Hold the run before training iteration ``at`` until ``path`` exists
    (a test releases it when it has done what it needs meanwhile)."""

    def __init__(self, path: str, at: int = 2, timeout: float = 300.0):
        self.path, self.at, self.timeout = path, at, timeout

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        import time
        if runner.iter + 1 != self.at:
            return
        start = time.time()
        while not os.path.exists(self.path) and \
                time.time() - start < self.timeout:
            time.sleep(0.1)
