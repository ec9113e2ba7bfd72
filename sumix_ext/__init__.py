"""sumix_ext: SUMix and a mixer library on mmpretrain / MMEngine.

Importing the package applies the compatibility fixes in
:mod:`sumix_ext.compat` and registers every component, so configs only need
``custom_imports = dict(imports=['sumix_ext'], allow_failed_imports=False)``.

Layout (one home per idea; a batch goes config -> classifier -> mixer ->
head -> loss and crosses nothing else):

* ``models/mixers/``: one file per mixer, ``base.py`` the contract
  (``MixOutput``: mixed images, partner index, exact ``lam``, the applied
  mask), ``true_share.py`` the semantic share and the oracle mixer;
* ``models/losses/``: ``sumix_loss.py`` (the SUMix maths),
  ``sumix_ratios.py`` (the ratio forms), ``mix_ce.py``;
* ``models/heads/``, ``models/classifiers/`` (``MixupClassifier`` owns the
  clean + mixed forward, ``sumix_forward``, and its ``clean_pass``),
  ``models/backbones/``, ``models/utils/`` (the NaN/Inf guard);
* ``datasets/``: no-download datasets and synthetic stand-ins;
* ``engine/``: runner, hooks, optim wrappers, checkpoint fit checks,
  pre-flight messages (``models/`` and ``engine/`` do not import each
  other);
* ``evaluation/``: analysis logic behind the commands (calibration and the
  ``ECE`` metric, occlusion, Grad-CAM, ratio fidelity, study runner, logs,
  ``CheckpointSet``: config + checkpoints loaded one model at a time);
* ``config_loading/``: loading a config (located errors, checked
  ``--cfg-options``, renamed configs); imports neither ``apis`` nor
  ``evaluation``, which both use it;
* ``apis/``: runner building, one-line errors, CLI helpers (``cli.py``:
  shared argument groups, output writers), the Python API (``init_model``,
  ``inference_model``) and ``load_config`` re-exported;
* ``commands/``: one module per tool (``parse_args`` + ``main``);
  ``tools/**/*.py`` are scripts of a few lines that call them, and tests
  import them (``import sumix_ext`` does not);
* ``benchmark/``: timing harnesses: ``step.py`` (step cost of the variants,
  memory, clock, machine info), ``mixers.py`` (mixer share of a step);
* ``compat/``: small documented fixes of the pinned stack.

Naming: registered mixers are ``Batch<Name>`` (never colliding with
mmpretrain's ``Mixup``/``CutMix``); mixers built from other mixers say what
they do (``RandomMixer``, ``TrueShareMixer``); datasets that wrap an
mmpretrain class of the same name without downloading are ``Local<Name>``,
new ones use the dataset's own name (``TinyImageNet``).
"""
import warnings

# mmcv-lite has no compiled ops by design; mmpretrain's classifiers never use
# them, so silence mmcv's import-time warning about them.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

try:  # mmcv is the user's choice of flavour (setup.py MMCV_EXTRAS)
    import mmcv  # noqa: F401,E402
except ModuleNotFoundError as _exc:  # pragma: no cover - tested in a child
    if _exc.name != 'mmcv':
        raise
    raise ImportError(
        "sumix_ext needs mmcv 2.x: pip install 'sumix_ext[lite]' (mmcv-lite, "
        "pure Python) or 'sumix_ext[mmcv]' (a full build), or keep the mmcv "
        'your OpenMMLab environment has') from None

from .compat import apply_all as _apply_compat  # noqa: E402
from .version import __version__  # noqa: E402

_apply_compat()

from . import apis, datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__', 'datasets', 'engine', 'models']
