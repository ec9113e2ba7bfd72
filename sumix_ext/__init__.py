"""sumix_ext: SUMix and a mixer library on mmpretrain / MMEngine.

Importing the package applies the compatibility fixes in
:mod:`sumix_ext.compat` and registers every component, so configs only need
``custom_imports = dict(imports=['sumix_ext'], allow_failed_imports=False)``.
"""
import warnings

# mmcv-lite has no compiled ops by design; mmpretrain's classifiers never use
# them, so silence mmcv's import-time warning about them.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

from .compat import apply_all as _apply_compat  # noqa: E402
from .version import __version__  # noqa: E402

_apply_compat()

from . import apis, datasets, engine, models  # noqa: E402,F401

__all__ = ['__version__', 'datasets', 'engine', 'models']
