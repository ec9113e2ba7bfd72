import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import (BatchSaliencyMix,
                                     spectral_residual_saliency)
from sumix_ext.models.mixers.saliency_map import saliency_peak

from .utils import labelled_batch, measured_share


def blob_images(n, size, rng, noise=0.05):
    """Noisy grey images with one bright 5x5 square; returns its centres."""
    x = 0.1 + noise * torch.as_tensor(rng.standard_normal(
        (n, 3, size, size)), dtype=torch.float32)
    cy = torch.as_tensor(rng.integers(5, size - 5, n))
    cx = torch.as_tensor(rng.integers(5, size - 5, n))
    for i in range(n):  # test data only
        x[i, :, cy[i] - 2:cy[i] + 3, cx[i] - 2:cx[i] + 3] = 1.0
    return x, cy, cx


@pytest.mark.parametrize('size', [28, 32, 64, 224])
@pytest.mark.parametrize('noise', [0.0, 0.05])
def test_spectral_residual_peak_is_on_the_salient_object(size, noise):
    rng = np.random.default_rng(size)
    x, cy, cx = blob_images(8, size, rng, noise)
    py, px = saliency_peak(x)
    tol = size // 64 + 1  # one pixel of the (at most) 64x64 map
    assert (py - cy).abs().max() <= tol
    assert (px - cx).abs().max() <= tol


def test_saliency_is_equivariant_to_circular_shifts():
    torch.manual_seed(0)
    x = torch.randn(2, 1, 64, 64)
    sal = spectral_residual_saliency(x)
    sal_shift = spectral_residual_saliency(x.roll((7, -11), dims=(2, 3)))
    assert sal.shape == (2, 64, 64) and sal.dtype == torch.float32
    assert torch.allclose(sal.roll((7, -11), dims=(1, 2)), sal_shift,
                          rtol=1e-3, atol=1e-6 * float(sal.max()))


def test_per_sample_boxes_are_centred_on_each_partner_peak():
    rng = np.random.default_rng(0)
    x, cy, cx = blob_images(5, 32, rng)
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = BatchSaliencyMix(alpha=1.0, avoid_self_pair=True)
    out = mixer(x)
    pasted = out.inputs != x  # x_b's blob lands where it was in x_b
    for i in range(5):
        j = int(out.index[i])
        # the partner's blob centre is inside sample i's pasted box region
        assert out.inputs[i, 0, cy[j], cx[j]] == 1.0 or not pasted[i].any()
    assert out.lam.shape == (5, )


def test_batch_level_mode_uses_one_box_and_float_lam():
    np.random.seed(1)
    torch.manual_seed(1)
    x = labelled_batch(6, size=32) + 0.01 * torch.randn(6, 3, 32, 32)
    out = BatchSaliencyMix(alpha=1.0, per_sample=False,
                           avoid_self_pair=True)(x)
    assert isinstance(out.lam, float)
    changed = (out.inputs != x).any(dim=1)
    assert (changed == changed[0]).all()  # same box for every sample
    share = measured_share(x.round(), out.inputs.round(), out.index)
    assert torch.allclose(share, torch.full((6, ), out.lam,
                                            dtype=torch.float64),
                          atol=1 / 32**2)
