"""A garment (any object on black) alpha-composited onto a crop of a real
photograph: a cluttered scene whose object mask is known."""
import numbers
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

from .backgrounds import (EVAL_BACKGROUNDS, TRAIN_BACKGROUNDS,
                          check_backgrounds, load_background)

#: named background sets: ``backgrounds='train'`` / ``'eval'``
BACKGROUND_SETS = dict(train=TRAIN_BACKGROUNDS, eval=EVAL_BACKGROUNDS)


def _randint(rng, low: int, high: int) -> int:
    """Uniform integer in ``[low, high]`` from ``np.random`` or a
    ``np.random.Generator`` (both have ``random()``)."""
    return low + min(int(rng.random() * (high - low + 1)), high - low)


def composite(obj: np.ndarray, background: np.ndarray, top: int,
              left: int) -> Tuple[np.ndarray, np.ndarray]:
    r"""Alpha-composite ``obj`` onto ``background`` at ``(top, left)``.

    The object's own intensity is its opacity, :math:`\alpha = g / 255`:

    .. math::
        x = \alpha\, g + (1 - \alpha)\, b

    so black (empty) pixels of the object let the background through.

    Args:
        obj (np.ndarray): ``(s, s)`` float object in [0, 255] on black.
        background (np.ndarray): ``(H, W)`` float background in [0, 255].
        top (int): Row of the object's top-left corner.
        left (int): Column of the object's top-left corner.

    Returns:
        tuple: ``(image, alpha)``: ``(H, W)`` uint8 scene and ``(H, W)``
        float32 object mask :math:`\alpha` (0 outside the object).
    """
    h, w = obj.shape
    alpha = np.zeros(background.shape, dtype=np.float32)
    alpha[top:top + h, left:left + w] = np.clip(obj, 0, 255) / 255.0
    fg = np.zeros(background.shape, dtype=np.float32)
    fg[top:top + h, left:left + w] = obj
    scene = alpha * fg + (1.0 - alpha) * background
    return np.clip(np.rint(scene), 0, 255).astype(np.uint8), alpha


@TRANSFORMS.register_module()
class PasteOnBackground(BaseTransform):
    r"""Paste a dark-background object onto a random crop of a photograph.

    For Fashion-MNIST (garments on black): the garment is resized to a
    random ``s x s`` (``object_size``), optionally flipped, placed at a
    random position of an ``out_size`` canvas and alpha-composited
    (:func:`composite`, :math:`\alpha = g/255`) onto a background: a random
    square crop of one of ``backgrounds`` (``skimage.data`` images, side
    from ``out_size`` to half the photo's short side), resized to
    ``out_size`` and scaled by ``contrast``. The object mask :math:`\alpha`
    is stored under ``mask_key`` as a ``(1, H, W)`` float tensor; pack it
    with ``PackInputs(algorithm_keys=['object_mask'])`` and the oracle
    (``TrueShareMixer(truth='sample')``) and the ratio fidelity tool
    (``--truth sample``) use it as the truth: once the background has
    pixels, pixel mass is no longer the object.

    Training draws anew on every call (``fixed=False``: NumPy's global
    generator, seeded per worker by MMEngine); validation and test are
    fixed per sample (``fixed=True``: a generator seeded by ``(seed,
    sample_idx)``), the same in every run and process.

    Required keys: ``img`` (``(H, W)`` or ``(H, W, 1)`` uint8);
    ``sample_idx`` when ``fixed``. Modified keys: ``img``, ``img_shape``.
    Added keys: ``mask_key``.

    Args:
        backgrounds (Sequence[str] | str): ``skimage.data`` image names, or
            ``'train'`` / ``'eval'``: the two disjoint sets
            :data:`~sumix_ext.datasets.transforms.TRAIN_BACKGROUNDS` and
            :data:`~sumix_ext.datasets.transforms.EVAL_BACKGROUNDS`.
        object_size (tuple[int, int]): Range of the object's side in px
            (inclusive). Defaults to ``(10, 18)``.
        out_size (int): Side of the output scene. Defaults to 28.
        contrast (float): Background scale factor in (0, 1]. Defaults to
            0.5.
        flip_prob (float): Probability of a horizontal flip of the object.
        fixed (bool): Draw from ``(seed, sample_idx)`` (val/test).
        seed (int): Seed of the fixed draws.
        mask_key (str): Result key of the object mask.
    """

    def __init__(self,
                 backgrounds: Union[Sequence[str], str],
                 object_size: Sequence[int] = (10, 18),
                 out_size: int = 28,
                 contrast: float = 0.5,
                 flip_prob: float = 0.0,
                 fixed: bool = False,
                 seed: int = 0,
                 mask_key: str = 'object_mask'):
        if isinstance(backgrounds, str) and backgrounds in BACKGROUND_SETS:
            backgrounds = BACKGROUND_SETS[backgrounds]
        if isinstance(backgrounds, str):
            raise TypeError('PasteOnBackground: backgrounds must be a list '
                            "of skimage.data names or 'train' / 'eval' (the "
                            f'two disjoint sets), got {backgrounds!r}')
        if (len(object_size) != 2 or not all(
                isinstance(v, int) for v in object_size)
                or not 1 <= object_size[0] <= object_size[1] <= out_size):
            raise ValueError(
                'PasteOnBackground: object_size must be (min, max) pixels '
                f'with 1 <= min <= max <= out_size={out_size}, got '
                f'{object_size!r}')
        if not isinstance(contrast, numbers.Real) or not 0 < contrast <= 1:
            raise ValueError('PasteOnBackground: contrast must be in (0, 1] '
                             f'(the background scale), got {contrast!r}')
        if not 0 <= flip_prob <= 1:
            raise ValueError('PasteOnBackground: flip_prob must be in [0, 1]'
                             f', got {flip_prob!r}')
        self.backgrounds = tuple(backgrounds)
        check_backgrounds(self.backgrounds, out_size)
        self.object_size = (int(object_size[0]), int(object_size[1]))
        self.out_size = int(out_size)
        self.contrast = float(contrast)
        self.flip_prob = float(flip_prob)
        self.fixed = bool(fixed)
        self.seed = int(seed)
        self.mask_key = mask_key

    def _rng(self, results: dict):
        if not self.fixed:
            return np.random
        if 'sample_idx' not in results:
            raise KeyError('PasteOnBackground(fixed=True) needs the sample '
                           "index ('sample_idx', set by MMEngine datasets); "
                           'call it from a dataset pipeline')
        return np.random.default_rng([self.seed, int(results['sample_idx'])])

    def background(self, rng) -> np.ndarray:
        """A random square crop of a random background, ``out_size`` wide,
        scaled by ``contrast`` (float32 in [0, 255])."""
        photo = load_background(
            self.backgrounds[_randint(rng, 0, len(self.backgrounds) - 1)])
        h, w = photo.shape
        side = _randint(rng, self.out_size, max(self.out_size,
                                                 min(h, w) // 2))
        top, left = _randint(rng, 0, h - side), _randint(rng, 0, w - side)
        crop = photo[top:top + side, left:left + side]
        crop = cv2.resize(crop, (self.out_size, self.out_size),
                          interpolation=cv2.INTER_AREA)
        return crop.astype(np.float32) * self.contrast

    def transform(self, results: dict) -> Optional[dict]:
        img = np.asarray(results['img'])
        if img.ndim == 3 and img.shape[2] == 1:
            img = img[..., 0]
        if img.ndim != 2:
            raise ValueError('PasteOnBackground: expects a grey object image '
                             f'(H, W), got shape {img.shape}')
        rng = self._rng(results)
        side = _randint(rng, *self.object_size)
        obj = cv2.resize(img.astype(np.float32), (side, side),
                         interpolation=cv2.INTER_LINEAR)
        if rng.random() < self.flip_prob:
            obj = obj[:, ::-1]
        bg = self.background(rng)
        top = _randint(rng, 0, self.out_size - side)
        left = _randint(rng, 0, self.out_size - side)
        scene, alpha = composite(obj, bg, top, left)
        results['img'] = scene
        results['img_shape'] = scene.shape[:2]
        results[self.mask_key] = torch.from_numpy(alpha)[None]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(backgrounds={list(self.backgrounds)},'
                f' object_size={self.object_size}, out_size={self.out_size}, '
                f'contrast={self.contrast}, flip_prob={self.flip_prob}, '
                f'fixed={self.fixed}, seed={self.seed})')
