"""Model wrappers (registered in mmengine's ``MODEL_WRAPPERS``)."""
from .after_step_ddp import SUMixDistributedDataParallel  # noqa: F401
