"""Runner-side extensions: optim wrappers, hooks, runner."""
from .optim_wrappers import *  # noqa: F401,F403
