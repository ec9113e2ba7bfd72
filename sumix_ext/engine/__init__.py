"""Runner-side extensions: optim wrappers, hooks, runner, CPU malloc."""
from .cpu_malloc import keep_freed_memory  # noqa: F401
from .hooks import *  # noqa: F401,F403
from .optim_wrappers import *  # noqa: F401,F403
from .runner import *  # noqa: F401,F403
