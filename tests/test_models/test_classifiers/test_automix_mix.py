"""The classifier-side mix of AutoMix/SAMix outside training
(:func:`sumix_ext.models.classifiers.automix_mix.learned_mix`): the same
mask as the training step, the exact share of the image as ``lam``, the
drawn ratio as the label, and a truth that follows the mask."""
import numpy as np
import pytest
import torch

from sumix_ext.models.classifiers.automix_mix import learned_mix
from sumix_ext.models.mixers import semantic_share
from .test_automix import batch, build


@pytest.mark.parametrize('family', ['automix', 'samix'])
def test_the_mix_is_the_training_steps_classifier_mix(family):
    torch.manual_seed(0)
    model = build(family, mask_adjust=0.0)
    x, _, _ = batch(n=5, size=16)
    index = torch.tensor([1, 2, 3, 4, 0])
    np.random.seed(3)
    _, mask_bb = model.mix_masks(x, 0.3, 0.6, index, index)
    np.random.seed(3)
    mixed, label = learned_mix(model, x, lam=0.6, index=index)
    assert label == 0.6
    torch.testing.assert_close(mixed.mask, mask_bb[:, 1:])
    torch.testing.assert_close(
        mixed.inputs, mask_bb[:, :1] * x + mask_bb[:, 1:] * x[index])
    # lam: the exact share of each image, not the drawn ratio
    torch.testing.assert_close(mixed.lam, mask_bb[:, 0].mean(dim=(1, 2)))
    assert mixed.index is index


def test_margin_gives_plain_mixup_and_adjust_gives_mean_lam():
    torch.manual_seed(0)
    model = build(lam_margin=0.08)
    x, _, _ = batch(n=4, size=16)
    index = torch.tensor([1, 0, 3, 2])
    mixed, label = learned_mix(model, x, lam=0.05, index=index)
    torch.testing.assert_close(mixed.inputs, 0.05 * x + 0.95 * x[index])
    torch.testing.assert_close(mixed.lam, torch.full((4, ), 0.05))
    model.mask_adjust = 1.0
    mixed, _ = learned_mix(model, x, lam=0.4, index=index)
    torch.testing.assert_close(mixed.lam, torch.full((4, ), 0.4))
    raw, _ = learned_mix(model, x, lam=0.4, index=index, adjust=False)
    assert not torch.allclose(raw.lam, torch.full((4, ), 0.4))


def test_drawn_lam_and_partners_and_the_truth_follows_the_mask():
    torch.manual_seed(0)
    np.random.seed(0)
    model = build(alpha=2.0, mask_adjust=0.0)
    x, _, _ = batch(n=6, size=16)
    expected = float(np.random.RandomState(0).beta(2.0, 2.0))
    mixed, label = learned_mix(model, x)
    assert label == pytest.approx(expected)
    assert sorted(mixed.index.tolist()) == list(range(6))
    # an object only in the left half of every image: its true share is
    # the mask-weighted object mass of x over that of x and its partner
    obj = torch.zeros(6, 1, 16, 16)
    obj[..., :8] = 1
    m = mixed.mask
    a = ((1 - m) * obj).sum(dim=(1, 2, 3))
    b = (m * obj[mixed.index]).sum(dim=(1, 2, 3))
    torch.testing.assert_close(semantic_share(mixed, obj), a / (a + b))


def test_one_image_has_no_partner():
    model = build()
    with pytest.raises(ValueError, match='at least 2 images'):
        learned_mix(model, torch.randn(1, 3, 16, 16))


def test_automix_cifar_mix_block_never_sees_lam_samix_does():
    """OpenMixup's AutoMix CIFAR block (no lam_concat, no lam_mul) gives one
    mask for every lam; SAMix's lam_mul embedding makes it depend on lam."""
    x, _, _ = batch(n=4, size=16)
    index = torch.tensor([1, 2, 3, 0])
    for family, same in (('automix', True), ('samix', False)):
        torch.manual_seed(0)
        model = build(family, mask_adjust=0.0).eval()
        low, _ = learned_mix(model, x, lam=0.2, index=index, adjust=False)
        high, _ = learned_mix(model, x, lam=0.8, index=index, adjust=False)
        assert torch.equal(low.mask, high.mask) is same, family
