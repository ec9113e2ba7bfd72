"""Build an MMEngine runner from a merged config."""
from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ..compat import allow_unsafe_load


def build_runner_from_cfg(cfg: Config) -> Runner:
    """Build the runner (``runner_type`` if the config names one).

    ``cfg.unsafe_load=True`` allows full unpickling of checkpoints that the
    safe loader refuses (with a warning per file).

    Args:
        cfg (Config): Merged config.

    Returns:
        Runner: The runner.
    """
    import sumix_ext  # noqa: F401  (registers components, applies compat)
    if cfg.get('unsafe_load', False):
        allow_unsafe_load(True)
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def close_distributed() -> None:
    """Destroy the process group after a distributed run.

    Exiting with a live gloo process group, or while another rank still
    talks to it, can abort a rank at shutdown ("terminate called without an
    active exception", exit -6) after the work is done; torchrun then
    reports the whole job as failed. So: barrier, then destroy.
    """
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        # every rank reaches the end before any tears down its connections
        # (a rank exiting early leaves the others' gloo threads to abort)
        dist.barrier()
        dist.destroy_process_group()
