"""Real grey photographs and textures shipped inside scikit-image's wheel
(``skimage.data``: no download), as backgrounds of cluttered scenes.

Two disjoint sets, so a model cannot memorise the backgrounds it is
validated and tested on:

* :data:`TRAIN_BACKGROUNDS`: photographs and textures used for training;
* :data:`EVAL_BACKGROUNDS`: others, used for validation and test.

Each set mixes textures (brick / gravel, grass / moon surface), scenes
(camera, coffee / coins, cat) and clutter (page of text / text).
"""
from functools import lru_cache
from typing import Sequence, Tuple

import numpy as np

TRAIN_BACKGROUNDS: Tuple[str, ...] = (
    'astronaut', 'brick', 'camera', 'clock', 'coffee', 'grass',
    'immunohistochemistry', 'page', 'rocket')
EVAL_BACKGROUNDS: Tuple[str, ...] = (
    'chelsea', 'coins', 'gravel', 'hubble_deep_field', 'microaneurysms',
    'moon', 'retina', 'text')


@lru_cache(maxsize=None)
def load_background(name: str) -> np.ndarray:
    """One ``skimage.data`` image as a grey ``float32`` array in [0, 255].

    Args:
        name (str): A ``skimage.data`` function name, e.g. ``'brick'``.

    Returns:
        np.ndarray: ``(H, W)`` float32 (read-only, cached per process).
    """
    try:
        import skimage.data
        from skimage.color import rgb2gray
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ImportError(
            'cluttered backgrounds need scikit-image (it ships the '
            'photographs): pip install scikit-image') from exc
    loader = getattr(skimage.data, name, None)
    if loader is None or name.startswith('_'):
        raise ValueError(
            f'background {name!r} is not a skimage.data image; use e.g. one '
            f'of {TRAIN_BACKGROUNDS + EVAL_BACKGROUNDS}')
    img = np.asarray(loader())
    if img.ndim == 3:
        img = img[..., :3]
        img = rgb2gray(img) * 255.0
    img = img.astype(np.float32)
    if img.max() <= 1.0:  # boolean / [0, 1] images
        img = img * 255.0
    img.setflags(write=False)
    return img


def check_backgrounds(names: Sequence[str], min_side: int) -> None:
    """Load every background once and check it can give ``min_side`` crops.

    Raises:
        ValueError: An unknown name, an empty list or a too small image,
            with the fix.
    """
    if not names:
        raise ValueError('backgrounds must name at least one skimage.data '
                         f'image, e.g. {list(TRAIN_BACKGROUNDS[:3])}')
    for name in names:
        h, w = load_background(name).shape
        if min(h, w) < min_side:
            raise ValueError(f'background {name!r} is {h}x{w}, smaller than '
                             f'the {min_side}px crop; pick a larger image')
