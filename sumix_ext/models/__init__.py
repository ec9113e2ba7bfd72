"""Registered models: mixers, losses, heads, classifiers, backbones."""
from .backbones import *  # noqa: F401,F403
from .classifiers import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .mixers import *  # noqa: F401,F403
