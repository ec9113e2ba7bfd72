"""Build an MMEngine runner from a merged config; end a distributed run."""
from typing import NoReturn

from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ..compat import unsafe_load_scope


def build_runner_from_cfg(cfg: Config) -> Runner:
    """Build the runner (``runner_type`` if the config names one).

    ``cfg.unsafe_load=True`` is not applied here: the command wraps the
    run in :func:`~sumix_ext.compat.unsafe_load_scope` (see
    :func:`unsafe_scope_of`), so the permission ends with that run.

    Args:
        cfg (Config): Merged config.

    Returns:
        Runner: The runner.
    """
    import sumix_ext  # noqa: F401  (registers components, applies compat)
    check_vis_backends(cfg)
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def check_vis_backends(cfg: Config) -> None:
    """One line, before the run, when a visualizer backend's package is
    missing (MMEngine fails with a raw ImportError inside the runner)."""
    import importlib.util
    needs = {'TensorboardVisBackend': 'tensorboard',
             'WandbVisBackend': 'wandb', 'MLflowVisBackend': 'mlflow'}
    for backend in (cfg.get('visualizer') or {}).get('vis_backends') or []:
        kind = str(backend.get('type', '')).split('.')[-1]
        package = needs.get(kind)
        if package and importlib.util.find_spec(package) is None:
            raise ValueError(
                f'visualizer.vis_backends has {kind} but {package} is not '
                f'installed: pip install {package} (or drop that backend)')


def unsafe_scope_of(cfg: Config):
    """The unsafe-loading permission of one run: a context manager that
    allows full unpickling only inside it, and only when the config (or
    ``--unsafe-load``) asked for it."""
    return unsafe_load_scope(bool(cfg.get('unsafe_load', False)))


def close_distributed() -> bool:
    """Tear down the process group at the end of a distributed run.

    Every rank first waits for the others (a rank exiting early leaves the
    others' gloo threads talking to a closed socket), then the group is
    destroyed.

    Returns:
        bool: True if a process group was closed (the caller then ends the
        process with :func:`exit_distributed_rank`).
    """
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        return False
    dist.barrier()
    dist.destroy_process_group()
    return True


def exit_distributed_rank(code: int = 0) -> NoReturn:
    """End a distributed rank after its work is done and saved, skipping the
    interpreter's finalisation.

    Even after ``destroy_process_group()``, a gloo rank can abort while the
    interpreter finalises ("terminate called without an active exception",
    SIGABRT, exit -6): gloo's C++ threads outlive Python and release
    tensors without the GIL (pytorch/pytorch#179291; measured here: 3 of 25
    two-process CPU runs under load, after the last checkpoint and metric
    were written). torchrun then reports the finished job as failed.

    What normal finalisation would still have done is done here first:
    child processes (e.g. persistent dataloader workers, which torch stops
    from an ``atexit`` hook) are stopped and joined, logging handlers and
    the standard streams are flushed. MMEngine itself registers no exit
    handlers (its ``LoggerHook.after_run`` already closed the visualizer).

    Args:
        code (int): Exit status. Defaults to 0.
    """
    import logging
    import multiprocessing
    import os
    import sys
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def finish_distributed() -> None:
    """End of ``tools/train.py`` / ``tools/test.py``: in a distributed run,
    :func:`close_distributed` then :func:`exit_distributed_rank` (the
    process ends here); otherwise nothing."""
    if close_distributed():
        exit_distributed_rank(0)
