"""numpy-2-safe replacement for :func:`mmcv.adjust_hue`.

mmcv 2.2 shifts the hue channel with ``h += np.uint8(hue_factor * 255)``.
numpy 2 refuses to cast a negative number to ``uint8`` (``OverflowError``),
so ``ColorJitter(hue=...)`` crashes on half of its draws. numpy 1 wrapped
the value modulo 256; we do the same explicitly.
"""
from typing import Optional

import cv2
import numpy as np
from PIL import Image

_ORIGINAL = None


def _hue_shift(hue_factor: float) -> int:
    """The uint8 hue offset numpy 1 produced: ``trunc(f * 255) mod 256``."""
    return int(hue_factor * 255) % 256


def adjust_hue(img: np.ndarray,
               hue_factor: float,
               backend: Optional[str] = None) -> np.ndarray:
    """Shift the hue of a BGR image by ``hue_factor`` of a full turn.

    Same contract as :func:`mmcv.image.adjust_hue`: ``hue_factor`` in
    ``[-0.5, 0.5]``; ``backend`` is ``'cv2'``, ``'pillow'`` or ``None``
    (mmcv's global ``imread_backend``).

    Args:
        img (np.ndarray): HxW or HxWx3 image (BGR).
        hue_factor (float): Shift of the H channel, as a share of a turn.
        backend (str, optional): ``'cv2'`` or ``'pillow'``.

    Returns:
        np.ndarray: The hue-shifted image, same dtype as ``img``.
    """
    import mmcv.image.io as mmcv_io
    if backend is None:
        backend = mmcv_io.imread_backend
    if backend not in ('cv2', 'pillow'):
        raise ValueError(f"backend: {backend} is not supported. Supported "
                         "backends are 'cv2', 'pillow'")
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f'hue_factor:{hue_factor} is not in [-0.5, 0.5].')
    if not (isinstance(img, np.ndarray) and img.ndim in (2, 3)):
        raise TypeError('img should be ndarray with dim=[2 or 3].')
    shift = np.uint8(_hue_shift(hue_factor))
    if backend == 'pillow':
        assert img.dtype == np.uint8, 'Pillow backend only support uint8 type'
        pil_image = Image.fromarray(img[..., ::-1], mode='RGB')
        h, s, v = pil_image.convert('HSV').split()
        np_h = np.array(h, dtype=np.uint8)
        with np.errstate(over='ignore'):
            np_h += shift
        out = Image.merge('HSV', (Image.fromarray(np_h, 'L'), s, v))
        return np.array(out.convert('RGB'), dtype=img.dtype)[..., ::-1]
    dtype = img.dtype
    hsv = cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_BGR2HSV_FULL)
    h, s, v = cv2.split(hsv)
    with np.errstate(over='ignore'):
        h = h.astype(np.uint8) + shift
    return cv2.cvtColor(cv2.merge([h, s, v]),
                        cv2.COLOR_HSV2BGR_FULL).astype(dtype)


def apply_mmcv_hue_fix() -> None:
    """Install :func:`adjust_hue` wherever mmcv exposes ``adjust_hue``."""
    global _ORIGINAL
    import mmcv
    import mmcv.image
    import mmcv.image.photometric as photometric
    if photometric.adjust_hue is adjust_hue:
        return
    _ORIGINAL = photometric.adjust_hue
    for module in (mmcv, mmcv.image, photometric):
        module.adjust_hue = adjust_hue
