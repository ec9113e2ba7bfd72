"""A test-only hook that SIGKILLs the training process at a fixed
iteration (a deterministic crash point for the crash-safety test)."""
import os
import signal

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class KillAtIterHook(Hook):
    """``kill -9`` this process just before training iteration ``at``
    (1-based, counted over the whole run)."""

    def __init__(self, at: int):
        self.at = at

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.at:
            os.kill(os.getpid(), signal.SIGKILL)
