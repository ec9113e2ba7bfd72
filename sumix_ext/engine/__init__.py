"""Runner-side extensions: optim wrappers, hooks, runner, checkpoint fit
checks and the non-finite loss guard."""
from .hooks import *  # noqa: F401,F403
from .optim_wrappers import *  # noqa: F401,F403
from .runner import *  # noqa: F401,F403
