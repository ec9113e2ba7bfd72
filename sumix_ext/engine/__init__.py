"""Runner-side extensions: optim wrappers, the DDP model wrapper,
schedulers, hooks, runner, checkpoint fit checks (the NaN/Inf loss guard
is a model utility: sumix_ext.models.utils)."""
from .hooks import *  # noqa: F401,F403
from .model_wrappers import *  # noqa: F401,F403
from .optim_wrappers import *  # noqa: F401,F403
from .runner import *  # noqa: F401,F403
from .schedulers import GroupCosineAnnealingLR  # noqa: F401
