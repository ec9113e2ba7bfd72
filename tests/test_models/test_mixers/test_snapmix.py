"""SnapMix: the asymmetric box geometry, the semantic percent map, the
label rule against a hand-computed case, and training through the
classifier; SUMix's share ratios on SnapMix's mask."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sumix_ext.models.mixers import (BatchSnapMix, MixOutput,
                                     partner_in_mix, semantic_percent_map,
                                     semantic_share, snapmix_ratios)
from tests.conftest import build_tiny_classifier
from tests.test_models.test_classifiers.test_fast_sumix import batch


@pytest.mark.parametrize('seed', range(6))
def test_asymmetric_boxes_paste_the_resized_source_crop(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    x = torch.randn(5, 3, 24, 20)
    out = BatchSnapMix(alpha=1.0)(x)
    if out.paste is None:  # an empty box drawn (seed 4): nothing pasted
        assert out.lam == 1.0 and not out.mask.any()
        assert torch.equal(out.inputs, x)
        return
    y1, x1, h, w = out.paste
    sy, sx, sh, sw = out.source
    m = out.mask.float()
    assert m.sum() == h * w
    assert out.lam == pytest.approx(1 - h * w / (24 * 20))
    outside = ~out.mask.expand_as(x[:, :1]).expand_as(x)
    assert torch.equal(out.inputs[outside], x[outside])
    if h * w and sh * sw:
        want = F.interpolate(x[out.index, :, sy:sy + sh, sx:sx + sw],
                             size=(h, w), mode='bilinear',
                             align_corners=True)
        torch.testing.assert_close(out.inputs[:, :, y1:y1 + h, x1:x1 + w],
                                   want)
        # partner_in_mix places x_b's maps as the image was placed
        torch.testing.assert_close(
            partner_in_mix(out, x)[:, :, y1:y1 + h, x1:x1 + w], want)


def test_the_two_box_sizes_are_drawn_independently():
    torch.manual_seed(0)
    np.random.seed(0)
    sizes = [(o.paste[2] * o.paste[3], o.source[2] * o.source[3])
             for o in (BatchSnapMix()(torch.randn(2, 1, 32, 32))
                       for _ in range(60)) if o.paste is not None]
    a, b = np.array(sizes, dtype=float).T
    assert (a != b).mean() > 0.8 and abs(np.corrcoef(a, b)[0, 1]) < 0.5


def test_semantic_percent_map_by_hand():
    feats = torch.tensor([[[[1., -2.], [3., 0.]]]])  # (1, 1, 2, 2)
    w, b = torch.tensor([[2.], [1.]]), torch.tensor([0.5, 0.])
    spm = semantic_percent_map(feats, w, b, torch.tensor([0]), (2, 2))
    cam = torch.tensor([[2.5, 0.5], [6.5, 0.5]])  # 2 relu(f) + 0.5
    want = (cam - 0.5) / (cam - 0.5).sum()
    torch.testing.assert_close(spm[0], want)
    assert spm.sum().item() == pytest.approx(1.0)


def test_label_rule_by_hand():
    """A 4x4 map, a known target and source box: rho_a = 1 - SPM_a mass in
    the target box, rho_b = SPM_b mass in the source box, not normalised;
    same labels add up; a degenerate map falls back to the area."""
    spm = torch.zeros(3, 4, 4)
    spm[0, 0, 0] = 0.6  # image 0's object top-left
    spm[0, 3, 3] = 0.4
    spm[1, 2:, 2:] = 0.25  # image 1's object bottom-right
    spm[2] = float('nan')  # a constant CAM: degenerate
    index = torch.tensor([1, 2, 0])
    mask = torch.zeros(1, 1, 4, 4, dtype=torch.bool)
    mask[..., 0:2, 0:2] = True
    out = MixOutput(torch.zeros(3, 1, 4, 4), index, 0.75, mask,
                    (0, 0, 2, 2), (2, 2, 2, 2))
    rho_a, rho_b = snapmix_ratios(spm, out, torch.tensor([0, 1, 2]))
    # image 0: target box covers 0.6 of its map; partner 1's source box
    # (bottom-right) holds all of 1's map
    assert rho_a[0].item() == pytest.approx(0.4)
    assert rho_b[0].item() == pytest.approx(1.0)
    # image 1: its box (top-left) holds none of its map; partner 2: NaN
    assert rho_a[1].item() == pytest.approx(1.0)
    assert rho_b[1].item() == pytest.approx(0.25)  # 1 - lam (area)
    assert rho_a[2].item() == pytest.approx(0.75)  # lam (area)
    assert rho_b[2].item() == pytest.approx(0.4)  # 0's mass bottom-right
    same = snapmix_ratios(spm[:2], out._replace(index=torch.tensor([1, 0])),
                          torch.tensor([5, 5]))
    assert same[0][0].item() == pytest.approx(0.4 + 1.0)
    assert same[1][0].item() == pytest.approx(0.4 + 1.0)


def test_snapmix_trains_through_the_classifier():
    torch.manual_seed(0)
    np.random.seed(1)
    model = build_tiny_classifier(sumix=False,
                                  mixer=dict(type='BatchSnapMix'))
    x, samples = batch(n=6)
    out = model.loss(x, samples)
    assert set(out) == {'loss', 'lam', 'rho_a', 'rho_b'}
    out['loss'].backward()
    assert torch.isfinite(out['loss'])
    assert model.backbone.conv1.weight.grad is not None


def test_sumix_share_ratios_work_on_snapmix_masks():
    """The true share of an object map through SnapMix's asymmetric boxes
    equals the hand count (semantic_share uses partner_in_mix)."""
    obj = torch.zeros(2, 1, 8, 8)
    obj[0, :, 0:4, 0:4] = 1.0  # x_a's object: top-left 16 px
    obj[1, :, 4:8, 4:8] = 1.0  # x_b's object: bottom-right 16 px
    mask = torch.zeros(1, 1, 8, 8, dtype=torch.bool)
    mask[..., 0:4, 0:4] = True  # target box: all of x_a's object
    out = MixOutput(obj.clone(), torch.tensor([1, 0]), 0.75, mask,
                    (0, 0, 4, 4), (4, 4, 4, 4))
    share = semantic_share(out, obj)
    # image 0: x_a's object fully covered, x_b's object pasted: share 0
    assert share[0].item() == pytest.approx(0.0)


@pytest.mark.parametrize('seed', range(20))
def test_label_weights_stay_in_range_over_random_draws(seed):
    """Over random boxes and maps: rho_a, rho_b in [0, 1] for pairs of
    different labels (each is a share of a map summing to 1), in [0, 2]
    for same-label pairs (their sum), never NaN (the area fallback)."""
    g = torch.Generator().manual_seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    n, h, w = 6, 16, 12
    out = BatchSnapMix(alpha=1.0)(torch.randn(n, 1, h, w))
    spm = torch.rand(n, h, w, generator=g) ** 4
    spm = spm / spm.flatten(1).sum(1)[:, None, None]
    spm[seed % n] = float('nan')  # one degenerate map
    target = torch.randint(0, 3, (n, ), generator=g)
    rho_a, rho_b = snapmix_ratios(spm, out, target)
    assert torch.isfinite(rho_a).all() and torch.isfinite(rho_b).all()
    same = target == target[out.index]
    tol = 1e-5
    for rho in (rho_a, rho_b):
        assert (rho >= -tol).all()
        assert (rho[~same] <= 1 + tol).all() and (rho <= 2 + tol).all()
    if out.paste is not None:
        # where both maps are valid and labels differ, the identities hold
        ok = ~same & ~torch.isnan(spm.flatten(1)[:, 0]) & ~torch.isnan(
            spm[out.index].flatten(1)[:, 0])
        y1, x1, bh, bw = out.paste
        sy, sx, sh, sw = out.source
        want_a = 1 - spm[:, y1:y1 + bh, x1:x1 + bw].sum((1, 2))
        want_b = spm[out.index, sy:sy + sh, sx:sx + sw].sum((1, 2))
        torch.testing.assert_close(rho_a[ok], want_a[ok])
        torch.testing.assert_close(rho_b[ok], want_b[ok])


@pytest.mark.parametrize('ratio', ['cam', 'saliency', 'official'])
def test_sumix_trains_on_snapmix_masks(ratio):
    """SUMix with BatchSnapMix as its mixer: the share ratios read
    SnapMix's (asymmetric) mask through partner_in_mix, and a training
    step runs with a finite loss and a corrected ratio in [0, 1]."""
    torch.manual_seed(0)
    np.random.seed(3)
    model = build_tiny_classifier(
        sumix=dict(type='SUMixLoss', ratio=ratio, lam_reduction='sample'),
        mixer=dict(type='BatchSnapMix', alpha=1.0))
    x, samples = batch(n=6)
    out = model.loss(x, samples)
    assert 'lam_tilde' in out and 'rho_a' not in out  # SUMix's label
    assert torch.isfinite(out['loss'])
    assert 0.0 <= float(out['lam_tilde']) <= 1.0
    out['loss'].backward()


def test_snapmix_label_rule_is_checked_at_build():
    """SnapMix's own labels need a linear head over CNN feature maps: a
    vision transformer or another head is refused when the model is built,
    naming the fix."""
    from mmpretrain.registry import MODELS
    vit = dict(type='MixupClassifier',
               backbone=dict(type='VisionTransformer', arch=dict(
                   embed_dims=32, num_layers=1, num_heads=2,
                   feedforward_channels=64), img_size=16, patch_size=4),
               head=dict(type='SUMixHead', num_classes=3, in_channels=32),
               mixer=dict(type='BatchSnapMix'), sumix=None)
    with pytest.raises(ValueError, match='BatchTransMix'):
        MODELS.build(vit)
    cnn = dict(type='MixupClassifier',
               backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=3,
                             stem_channels=4, base_channels=4),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='StackedLinearClsHead', num_classes=3,
                         in_channels=32, mid_channels=[8]),
               mixer=dict(type='BatchSnapMix'), sumix=None)
    with pytest.raises(ValueError, match='linear head'):
        MODELS.build(cnn)


@pytest.fixture
def empty_box(monkeypatch):
    """SnapMix draws an empty target box (21 in 3000 draws at alpha 1):
    forced here, at every draw, so every consumer meets it."""
    import sumix_ext.models.mixers.snapmix as snapmix
    monkeypatch.setattr(snapmix, '_box', lambda lam, h, w: (3, 3, 2, 6))


def _obj(n=4, size=16):
    obj = torch.zeros(n, 1, size, size)
    for i in range(n):
        obj[i, :, i:i + 6, 2:9] = 1.0
    return obj


def test_empty_box_is_a_mix_with_nothing_pasted(empty_box):
    """Issue 37: the empty box is one representation (lam 1, all-zero mask,
    no paste/source box, inputs unchanged), and every consumer of
    MixOutput reads it as 'nothing of x_b is in the mix'."""
    from sumix_ext.models.losses.sumix_ratios import (cam_share,
                                                      saliency_share)
    torch.manual_seed(0)
    x = torch.randn(4, 3, 16, 16)
    out = BatchSnapMix(alpha=1.0)(x)
    assert out.lam == 1.0 and out.paste is None and out.source is None
    assert out.mask is not None and not out.mask.any()
    assert torch.equal(out.inputs, x)
    # partner_in_mix: x_b's maps as placed (nothing lands: masked to 0)
    placed = partner_in_mix(out, x)
    assert placed.shape == x.shape and torch.isfinite(placed).all()
    assert (out.mask * placed).abs().sum() == 0
    # the true object share, the saliency share and the CAM share: 1
    torch.testing.assert_close(semantic_share(out, _obj()), torch.ones(4))
    torch.testing.assert_close(saliency_share(x, out), torch.ones(4))
    feats = torch.rand(4, 5, 4, 4)
    torch.testing.assert_close(
        cam_share(feats, torch.rand(3, 5), torch.tensor([0, 1, 2, 0]), out),
        torch.ones(4))
    # SnapMix's own label rule: all of y_a, none of y_b
    spm = torch.full((4, 16, 16), 1 / 256.)
    rho_a, rho_b = snapmix_ratios(spm, out, torch.tensor([0, 1, 2, 0]))
    assert torch.equal(rho_a, torch.ones(4))
    assert torch.equal(rho_b, torch.zeros(4))


def test_a_zero_size_paste_box_places_nothing():
    """partner_in_mix never interpolates to a zero size (the crash of
    issue 37): a box with no height or width places an all-zero map."""
    x = torch.rand(2, 1, 8, 8)
    out = MixOutput(x, torch.tensor([1, 0]), 1.0,
                    torch.zeros(1, 1, 8, 8, dtype=torch.bool), (3, 2, 0, 0),
                    (1, 1, 0, 0))
    assert torch.equal(partner_in_mix(out, x), torch.zeros_like(x))


def test_empty_box_through_the_oracle_and_the_fidelity_tool(empty_box):
    from sumix_ext.evaluation.ratio_fidelity import gather_ratios
    from sumix_ext.models.mixers import TrueShareMixer
    torch.manual_seed(0)
    x = _obj() * 3.0 - 1.0  # objects on a flat background of -1
    oracle = TrueShareMixer(dict(type='BatchSnapMix', alpha=1.0),
                            mean=(0., ), std=(1., ), background=-1.0)
    out = oracle(x[:, :1])
    torch.testing.assert_close(torch.as_tensor(out.lam, dtype=torch.float32),
                               torch.ones(4))
    # the fidelity tool with SnapMix's own label rule and the share ratios
    model = build_tiny_classifier(
        sumix=dict(type='SUMixLoss', ratio='saliency'),
        mixer=dict(type='BatchSnapMix', alpha=1.0)).eval()
    images = torch.randn(4, 3, 16, 16)
    ratios = gather_ratios(images, torch.tensor([0, 1, 2, 3]),
                           dict(type='BatchSnapMix', alpha=1.0), 4,
                           _obj(), model=model, variants=dict(
                               sal=dict(ratio='saliency')))
    np.testing.assert_allclose(ratios['s'], 1.0)
    np.testing.assert_allclose(ratios['lam'], 1.0)
    assert all(np.isfinite(v).all() for v in ratios.values())


@pytest.mark.parametrize('ratio', ['saliency', 'cam'])
def test_empty_box_trains_with_a_share_ratio(empty_box, ratio):
    """The crash of issue 37 (BatchSnapMix + ratio='saliency'/'cam' on an
    empty box): a training step now runs, the ratio is 1."""
    torch.manual_seed(0)
    model = build_tiny_classifier(
        sumix=dict(type='SUMixLoss', ratio=ratio, lam_reduction='sample'),
        mixer=dict(type='BatchSnapMix', alpha=1.0))
    x, samples = batch(n=4)
    out = model.loss(x, samples)
    assert torch.isfinite(out['loss'])
    assert float(out['lam_tilde']) == pytest.approx(1.0)
    out['loss'].backward()
