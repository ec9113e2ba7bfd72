"""Mixers report the mask they applied; the true semantic share and the
oracle mixer built on it."""
import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import (TrueShareMixer, build_mixer,
                                     partner_in_mix, pixel_mass,
                                     semantic_share)

MASK_MIXERS = [
    dict(type='BatchCutMix', alpha=1.0),
    dict(type='BatchSaliencyMix', alpha=1.0),
    dict(type='BatchSaliencyMix', alpha=1.0, per_sample=False),
    dict(type='BatchFMix', alpha=1.0),
    dict(type='BatchFMix', alpha=1.0, max_soft=0.1),
    dict(type='BatchFMix', alpha=1.0, per_sample=True),
    dict(type='BatchResizeMix'),
    dict(type='BatchGridMix'),
    dict(type='BatchSmoothMix', alpha=1.0),
]


def seeded(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


@pytest.mark.parametrize('cfg', MASK_MIXERS, ids=lambda c: str(c))
@pytest.mark.parametrize('seed', [0, 1, 2])
def test_mask_reproduces_the_mixed_image_and_lam(cfg, seed):
    """x_mix = (1 - m) x_a + m x_b' and lam = 1 - mean(m), from the mask the
    mixer reports (x_b' = x_b placed as the mixer placed it)."""
    seeded(seed)
    x = torch.randn(6, 2, 20, 24)
    out = build_mixer(cfg)(x)
    assert out.mask is not None
    m = out.mask.float()
    assert m.shape[1:] == (1, 20, 24) and m.size(0) in (1, 6)
    assert m.min() >= 0 and m.max() <= 1
    lam = torch.as_tensor(out.lam, dtype=torch.float32).expand(6)
    assert torch.allclose(lam, 1 - m.mean(dim=(1, 2, 3)).expand(6),
                          atol=1e-6)
    placed = partner_in_mix(out, x)
    if out.paste is None:
        assert torch.equal(placed, x[out.index])
        expect = (1 - m) * x + m * placed
    else:  # ResizeMix: x_b' lives inside the box only
        expect = torch.where(out.mask, placed, x)
    assert torch.allclose(out.inputs, expect, atol=1e-5)


def test_mixup_and_no_mix_report_no_mask():
    seeded(0)
    x = torch.randn(4, 1, 8, 8)
    assert build_mixer(dict(type='BatchMixup'))(x).mask is None
    out = build_mixer(dict(type='RandomMixer', mixers=[
        dict(type='BatchCutMix')], probs=[0.0]))(x)
    assert out.mask is None and out.lam == 1.0


def test_resizemix_partner_map_is_the_resized_image_in_the_box():
    seeded(0)
    x = torch.rand(3, 1, 16, 16)
    out = build_mixer(dict(type='BatchResizeMix', scope=(0.5, 0.5)))(x)
    y1, x1, h, w = out.paste
    assert (h, w) == (8, 8)
    placed = partner_in_mix(out, x)
    assert torch.allclose(placed[:, :, y1:y1 + h, x1:x1 + w],
                          out.inputs[:, :, y1:y1 + h, x1:x1 + w])
    outside = torch.ones(16, 16, dtype=torch.bool)
    outside[y1:y1 + h, x1:x1 + w] = False
    assert placed[:, :, outside].abs().max() == 0


def test_pixel_mass_recovers_raw_intensity():
    raw = torch.tensor([[[[0.0, 100.0], [255.0, 30.0]]]])
    x = (raw - 72.94) / 90.02
    assert torch.allclose(pixel_mass(x, [72.94], [90.02]), raw, atol=1e-3)
    assert torch.allclose(pixel_mass(x, [72.94], [90.02], background=50.0),
                          (raw - 50).clamp(min=0), atol=1e-3)
    with pytest.raises(ValueError, match='1 or 3 values'):
        pixel_mass(torch.zeros(1, 3, 2, 2), [1.0, 2.0], [1.0])


def test_semantic_share_by_hand():
    """x_a: object of mass 4 on its left half; x_b: mass 2 on its right
    half. A box over the left 2 columns of a 4x4 image (mask = x_b there):
    x_a keeps nothing of its object, x_b's pasted part holds nothing of its
    object -> empty image, s falls back to lam. Box over the right half:
    x_a keeps all (4 units), x_b pastes all (2 units): s = 4 / 6."""
    from sumix_ext.models.mixers import MixOutput
    obj = torch.zeros(2, 1, 4, 4)
    obj[0, 0, :, :2] = 0.5   # sum 4
    obj[1, 0, :, 2:] = 0.25  # sum 2
    index = torch.tensor([1, 0])
    right = torch.zeros(1, 1, 4, 4, dtype=torch.bool)
    right[..., 2:] = True
    out = MixOutput(obj, index, 0.5, right)
    s = semantic_share(out, obj)
    assert torch.allclose(s[0], torch.tensor(4 / 6))
    # sample 1: x_a = obj[1] keeps its left half (empty), x_b = obj[0]
    # pastes its right half (empty): nothing -> lam
    assert torch.allclose(s[1], torch.tensor(0.5))
    # a soft mask of 0.25 everywhere: s = 0.75*4 / (0.75*4 + 0.25*2)
    soft = MixOutput(obj, index, 0.75, torch.full((1, 1, 4, 4), 0.25))
    assert torch.allclose(semantic_share(soft, obj)[0],
                          torch.tensor(3.0 / 3.5))
    with pytest.raises(ValueError, match='mask-based mixer'):
        semantic_share(MixOutput(obj, index, 0.5), obj)


def test_true_share_mixer_labels_with_the_pixel_mass_share():
    seeded(0)
    raw = torch.zeros(8, 1, 16, 16)
    raw[:, :, 4:12, 4:12] = torch.rand(8, 1, 8, 8) * 255  # objects on black
    x = (raw - 72.94) / 90.02
    mixer = TrueShareMixer(dict(type='BatchCutMix', alpha=1.0))
    seeded(3)
    out = mixer(x)
    seeded(3)
    plain = build_mixer(dict(type='BatchCutMix', alpha=1.0))(x)
    assert torch.equal(out.inputs, plain.inputs)  # same mixing
    expect = semantic_share(plain, raw)
    assert torch.allclose(out.lam, expect, atol=1e-4)
    # mmpretrain's interface: scores mixed with the true share
    seeded(3)
    mixed, score = mixer(x, torch.eye(8))
    assert torch.allclose(score.diagonal(), expect + (1 - expect) * (
        plain.index == torch.arange(8)).float(), atol=1e-4)
    with pytest.raises(ValueError, match='no spatial mask'):
        TrueShareMixer(dict(type='BatchMixup'))(x)
    with pytest.raises(ValueError, match='std'):
        TrueShareMixer(std=[0.0])
