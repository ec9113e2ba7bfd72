"""Config discovery and helpers shared by the config tests."""
import copy
import functools
import glob
import os.path as osp
import re
from typing import List

from mmengine.config import Config

from ..conftest import REPO

CONFIG_ROOT = osp.join(REPO, 'configs')
BENCHMARKS = ('cifar100', 'tiny_imagenet', 'imagenet', 'cub200', 'aircraft',
              'stanford_cars')
ARCHS = {
    'cifar100': ('resnet18', 'resnext50', 'wrn28-8', 'deit-small',
                 'swin-tiny'),
    'tiny_imagenet': ('resnet18', 'resnext50'),
    'imagenet': ('resnet18', ),
    'cub200': ('resnet18', 'resnext50'),
    'aircraft': ('resnet18', 'resnext50'),
    'stanford_cars': ('resnet18', 'resnext50'),
}
MIXER_TAGS = ('cutmix', 'saliencymix', 'fmix', 'resizemix')
GRID_TAGS = ('vanilla', 'mixup') + MIXER_TAGS + tuple(
    f'{t}-sumix' for t in MIXER_TAGS)


def all_configs() -> List[str]:
    """Every config under ``configs/`` except the ``_base_`` pieces."""
    return sorted(
        p for p in glob.glob(osp.join(CONFIG_ROOT, '**', '*.py'),
                             recursive=True)
        if f'{osp.sep}_base_{osp.sep}' not in p)


def rel(path: str) -> str:
    return osp.relpath(path, CONFIG_ROOT)


def is_root(path: str) -> bool:
    """A grid root lists the ``_base_`` pieces itself (a model piece);
    leaves inherit a sibling config."""
    with open(path) as f:
        return '_base_/models/' in f.read()


#: configs beside the grid: the methods that put the model in the loop and
#: DecoupleMix over a grid mixer (``<arch>_<tag>_<schedule>_<dataset>.py``)
METHOD_TAG = re.compile(r'^(puzzlemix|manifoldmix|alignmix|guidedmix(-grad)?'
                        r'|automix|samix|snapmix|transmix|'
                        r'(cutmix|saliencymix|fmix|resizemix|mixup|'
                        r'manifoldmix)-decouple)$')


def _tag(path: str) -> str:
    parts = osp.basename(path).split('_')
    return parts[1] if len(parts) > 2 else ''


def grid_configs(folder: str) -> List[str]:
    """The ``<arch>_<tag>_<schedule>_<dataset>.py`` grid cells of a
    benchmark (tag in :data:`GRID_TAGS`)."""
    return sorted(p for p in glob.glob(osp.join(CONFIG_ROOT, folder, '*.py'))
                  if _tag(p) in GRID_TAGS)


def method_configs(folder: str) -> List[str]:
    """The other top-level configs of a benchmark folder (model-in-the-loop
    methods, DecoupleMix); anything else there is a stray file."""
    return sorted(p for p in glob.glob(osp.join(CONFIG_ROOT, folder, '*.py'))
                  if _tag(p) not in GRID_TAGS)


@functools.lru_cache(maxsize=None)
def _load_cached(path: str) -> Config:
    from sumix_ext.apis import load_config
    return load_config(path)


def load(path: str) -> Config:
    """The merged config (parsed once per session; a fresh copy each
    call, so tests may modify it)."""
    return copy.deepcopy(_load_cached(path))
