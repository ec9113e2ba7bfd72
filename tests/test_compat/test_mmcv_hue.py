import mmcv
import numpy as np
import pytest

from sumix_ext.compat import adjust_hue


@pytest.mark.parametrize('backend', ['cv2', 'pillow'])
def test_negative_hue_works_and_inverts_positive(backend):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    assert mmcv.adjust_hue is adjust_hue  # patched on import
    out = mmcv.adjust_hue(img, -0.2, backend=backend)
    assert out.shape == img.shape and out.dtype == np.uint8
    back = mmcv.adjust_hue(out, 0.2, backend=backend)
    # hue round trip (HSV quantisation allows a small error)
    assert np.abs(back.astype(int) - img.astype(int)).mean() < 8
    assert not np.array_equal(out, img)


def test_color_jitter_with_hue_runs():
    from mmpretrain.datasets.transforms import ColorJitter
    t = ColorJitter(hue=0.5)
    img = np.random.default_rng(1).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    for _ in range(20):
        assert t(dict(img=img.copy()))['img'].shape == (8, 8, 3)
