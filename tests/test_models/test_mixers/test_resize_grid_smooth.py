import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sumix_ext.models.mixers import BatchGridMix, BatchResizeMix, \
    BatchSmoothMix

from .utils import labelled_batch, measured_share


def test_resizemix_pastes_all_of_x_b_resized():
    np.random.seed(0)
    torch.manual_seed(0)
    x = torch.randn(4, 3, 32, 32)
    mixer = BatchResizeMix(avoid_self_pair=True)
    out = mixer(x)
    changed = (out.inputs != x).any(dim=1)[0]
    ys, xs = torch.nonzero(changed, as_tuple=True)
    y1, y2, x1, x2 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    assert out.lam == pytest.approx(1 - (y2 - y1) * (x2 - x1) / 32**2)
    small = F.interpolate(x[out.index], size=(int(y2 - y1), int(x2 - x1)),
                          mode='bilinear', align_corners=False)
    assert torch.allclose(out.inputs[:, :, y1:y2, x1:x2], small)


def test_resizemix_box_stays_within_scope():
    np.random.seed(1)
    mixer = BatchResizeMix(scope=(0.5, 0.5))
    out = mixer(torch.randn(2, 1, 20, 20))
    assert out.lam == pytest.approx(1 - 0.25)


@pytest.mark.parametrize('scope', [(0.0, 0.5), (0.6, 0.2), (0.1, 1.5)])
def test_resizemix_bad_scope_is_explained(scope):
    with pytest.raises(ValueError, match='scope'):
        BatchResizeMix(scope=scope)


def test_gridmix_holes_form_a_regular_grid():
    np.random.seed(2)
    torch.manual_seed(2)
    mixer = BatchGridMix(n_holes=4, cut_area_ratio=1.0, cut_aspect_ratio=1.0,
                         avoid_self_pair=True)
    x = labelled_batch(2, size=32)
    out = mixer(x.clone())
    holes = (out.inputs != x)[0, 0]
    rows = holes.any(dim=1)
    cols = holes.any(dim=0)
    # the mask is the outer product of its row and column indicators
    assert torch.equal(holes, rows[:, None] & cols[None, :])
    # whole image cut into 4 cells of 8 px per row: 4 runs of holes
    runs = int((cols[1:] & ~cols[:-1]).sum() + cols[0])
    assert runs == 4


def test_gridmix_bad_arguments_are_explained():
    with pytest.raises(ValueError, match='n_holes'):
        BatchGridMix(n_holes=(0, 3))
    with pytest.raises(ValueError, match='cut_area_ratio'):
        BatchGridMix(cut_area_ratio=(0.5, 2.0))


def test_smoothmix_lam_is_the_share_of_x_a_not_the_mask_mean():
    """The reference returns mean(mask), the share of x_b, as y_a's weight.
    Here: lam close to 1 must mean an image that is almost all x_a."""
    torch.manual_seed(0)
    x = labelled_batch(4, size=32)
    index = torch.tensor([1, 2, 3, 0])
    mixer = BatchSmoothMix()
    mixed, _, lam, *_ = mixer.mix(x, 0.95, index)
    share = measured_share(x, mixed, index)
    assert torch.allclose(share, lam.double(), atol=1e-5)
    assert (lam > 0.94).all()  # mostly x_a, as the drawn lam says
    mixed, _, lam, *_ = mixer.mix(x, 0.3, index)
    assert (lam >= 0.3 - 1e-6).all() and (lam < 0.7).all()


def test_smoothmix_mask_is_soft_and_peaks_at_the_centre():
    torch.manual_seed(0)
    x = labelled_batch(2, size=32)
    mixed, _, lam, *_ = BatchSmoothMix(per_sample=False).mix(
        x, 1 - 2 * math.pi * (4 / 32)**2, torch.tensor([1, 0]))
    assert isinstance(lam, float)
    weight_b = (mixed[0, 0] - 1.0) / (2.0 - 1.0)
    assert 0 < weight_b.max() <= 1 and weight_b.min() >= 0
    assert ((weight_b > 0.05) & (weight_b < 0.95)).any()  # soft, not a box
