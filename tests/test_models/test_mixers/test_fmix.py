import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import BatchFMix
from sumix_ext.models.mixers.fmix import binarise_by_rank, low_freq_images

from .utils import labelled_batch, measured_share


@pytest.mark.parametrize('lam', [0.0, 0.013, 0.5, 0.77, 1.0])
@pytest.mark.parametrize('max_soft', [0.0, 0.1])
def test_binarised_mask_keeps_exactly_round_lam_hw_pixels(lam, max_soft):
    torch.manual_seed(0)
    grey = low_freq_images(3, 28, 32, 3.0)
    mask = binarise_by_rank(grey, lam, max_soft)
    assert mask.shape == (3, 1, 28, 32)
    assert mask.min() >= 0 and mask.max() <= 1
    k = round(lam * 28 * 32)
    assert torch.allclose(mask.sum(dim=(1, 2, 3)),
                          torch.full((3, ), float(k)), atol=1e-3)
    if max_soft == 0:
        assert set(mask.unique().tolist()) <= {0.0, 1.0}


def test_mask_keeps_the_largest_values_of_the_spectrum_image():
    torch.manual_seed(1)
    grey = low_freq_images(1, 16, 16, 3.0)
    mask = binarise_by_rank(grey, 0.3)[0, 0].bool()
    assert grey[0][mask].min() >= grey[0][~mask].max()


def test_higher_decay_power_gives_smoother_masks():
    def roughness(decay):
        torch.manual_seed(2)
        g = low_freq_images(16, 32, 32, decay)
        g = g / g.std(dim=(1, 2), keepdim=True)
        return (g.diff(dim=1).abs().mean() + g.diff(dim=2).abs().mean())

    assert roughness(3.0) < roughness(1.0) < roughness(0.1)


def test_soft_masks_blend_but_keep_the_exact_share():
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = BatchFMix(alpha=1.0, max_soft=0.1, avoid_self_pair=True)
    x = labelled_batch(4, size=32)
    for _ in range(20):
        out = mixer(x)
        share = measured_share(x, out.inputs, out.index)
        assert torch.allclose(share, torch.full((4, ), out.lam,
                                                dtype=torch.float64),
                              atol=1e-5)


def test_per_sample_masks_differ_and_share_lam():
    np.random.seed(0)
    torch.manual_seed(0)
    x = labelled_batch(4, size=32)
    out = BatchFMix(alpha=1.0, per_sample=True, avoid_self_pair=True)(x)
    from_b = out.inputs != x
    assert not torch.equal(from_b[0], from_b[1])
    assert torch.allclose(measured_share(x, out.inputs, out.index),
                          torch.full((4, ), out.lam, dtype=torch.float64))


@pytest.mark.parametrize('kwargs,match', [
    (dict(decay_power=0), 'decay_power'),
    (dict(max_soft=0.6), 'max_soft'),
])
def test_bad_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatchFMix(**kwargs)
