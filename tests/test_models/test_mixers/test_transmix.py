"""TransMix: the label rule against a hand-computed case, the token mask of
every CutMix box, the class-token attention read from mmpretrain's ViT
(checked against its own attention output), the mixer's switch, and
training through the classifier in one forward pass."""
import copy

import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import sumix_ext  # noqa: F401
from sumix_ext.models.mixers import (BatchCutMix, BatchTransMix, MixOutput,
                                     token_mask, transmix_lam)
from sumix_ext.models.utils import ClassTokenAttention


def tiny_vit(mixer=None, sumix=None, heads=2, **head):
    return MODELS.build(dict(
        type='MixupClassifier',
        backbone=dict(type='VisionTransformer',
                      arch=dict(embed_dims=16, num_layers=2, num_heads=heads,
                                feedforward_channels=32),
                      img_size=16, patch_size=4, in_channels=1,
                      out_type='cls_token'),
        head=dict(type='SUMixHead', num_classes=4, in_channels=16, **head),
        mixer=mixer, sumix=sumix))


def samples(n):
    return [DataSample().set_gt_label(i % 4) for i in range(n)]


def test_label_rule_by_hand():
    # 4x4 image, 2x2 tokens; x_b's box is the top-left 2x2 pixels = token 0
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., :2, :2] = 1
    out = MixOutput(torch.zeros(2, 1, 4, 4), torch.tensor([1, 0]), 0.75,
                    mask)
    attn = torch.tensor([[0.4, 0.2, 0.2, 0.2],
                         [0.1, 0.3, 0.3, 0.1]])  # 2nd row sums to 0.8
    lam_attn_b = torch.tensor([0.4, 0.1 / 0.8])
    want = 1 - (0.5 * 0.25 + 0.5 * lam_attn_b)  # authors: (lam0 + lam1)/2
    torch.testing.assert_close(transmix_lam(attn, out, (2, 2)), want)
    torch.testing.assert_close(transmix_lam(attn, out, (2, 2), 0.0),
                               1 - lam_attn_b)  # the paper's pure form
    torch.testing.assert_close(transmix_lam(attn, out, (2, 2), 1.0),
                               torch.full((2, ), 0.75))  # the area


def test_mixup_batches_keep_lam():
    out = MixOutput(torch.zeros(3, 1, 4, 4), torch.tensor([2, 0, 1]), 0.3)
    lam = transmix_lam(torch.rand(3, 4), out, (2, 2))
    torch.testing.assert_close(lam, torch.full((3, ), 0.3))


def test_grid_mismatch_is_named():
    out = MixOutput(torch.zeros(1, 1, 4, 4), torch.tensor([0]), 0.5,
                    torch.ones(1, 1, 4, 4))
    with pytest.raises(ValueError, match='token grid'):
        transmix_lam(torch.rand(1, 9), out, (2, 2))


@pytest.mark.parametrize('seed', range(8))
def test_token_mask_of_every_cutmix_box_samples_each_patch_corner(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    out = BatchCutMix(alpha=1.0)(torch.randn(2, 1, 32, 32))
    tokens = token_mask(out.mask, (8, 8)).view(8, 8)
    # nearest neighbour to 8x8 (the authors' nn.Upsample): token (i, j)
    # takes pixel (4i, 4j), the top-left corner of its 4x4 patch
    want = out.mask[0, 0, ::4, ::4].float()
    assert torch.equal(tokens, want)
    full = out.mask[0, 0].float().view(8, 4, 8, 4).mean(dim=(1, 3))
    assert torch.equal(tokens[full == 1], torch.ones_like(full[full == 1]))
    assert torch.equal(tokens[full == 0], torch.zeros_like(full[full == 0]))


@pytest.mark.parametrize('heads', [1, 2])
def test_probe_reads_the_attention_mmpretrain_applies(heads):
    """The recorded class-token map, applied to the values, gives the
    class token's output of mmpretrain's own attention (before proj)."""
    torch.manual_seed(0)
    model = tiny_vit(heads=heads).eval()
    attn_mod = model.backbone.layers[-1].attn
    seen = {}
    h1 = attn_mod.register_forward_pre_hook(
        lambda m, a: seen.update(x=a[0]))
    h2 = attn_mod.proj.register_forward_pre_hook(
        lambda m, a: seen.update(out=a[0]))
    x = torch.randn(3, 1, 16, 16)
    with ClassTokenAttention(model.backbone) as probe:
        model.extract_feat(x)
    h1.remove()
    h2.remove()
    assert probe.grid == (4, 4) and probe.attention.shape == (3, 16)
    b, n, c = seen['x'].shape
    d = c // heads
    v = attn_mod.qkv(seen['x']).reshape(b, n, 3, heads, d)[:, :, 2]
    q = attn_mod.qkv(seen['x']).reshape(b, n, 3, heads, d)[:, 0, 0]
    k = attn_mod.qkv(seen['x']).reshape(b, n, 3, heads, d)[:, :, 1]
    full = torch.einsum('bhd,bnhd->bhn', q, k).mul(d**-0.5).softmax(-1)
    cls_out = torch.einsum('bhn,bnhd->bhd', full, v).reshape(b, c)
    torch.testing.assert_close(cls_out, seen['out'][:, 0], atol=1e-5,
                               rtol=1e-5)
    # the probe keeps the patch columns, heads averaged
    torch.testing.assert_close(probe.attention, full.mean(1)[:, 1:])
    assert (probe.attention.sum(1) < 1).all()  # the class column is out


def test_mixer_switch_and_validation():
    np.random.seed(0)
    torch.manual_seed(0)
    x = torch.randn(4, 1, 8, 8)
    cut = BatchTransMix(mixup_alpha=0.0, cutmix_alpha=1.0)
    assert all(cut(x).mask is not None for _ in range(10))
    mix = BatchTransMix(mixup_alpha=1.0, cutmix_alpha=0.0)
    assert all(mix(x).mask is None for _ in range(10))
    both = BatchTransMix(switch_prob=0.5)
    kinds = [both(x).mask is None for _ in range(200)]
    assert 0.35 < np.mean(kinds) < 0.65
    with pytest.raises(ValueError, match='both 0'):
        BatchTransMix(mixup_alpha=0, cutmix_alpha=0)
    with pytest.raises(ValueError, match='switch_prob'):
        BatchTransMix(switch_prob=1.5)
    with pytest.raises(ValueError, match='area_weight'):
        BatchTransMix(area_weight=-0.1)


def _kind(out: MixOutput, x: torch.Tensor) -> str:
    """Which mix a batch got: 'cutmix' (a box mask), 'mixup' (no mask,
    ``x_a`` blended with its partner) or 'none' (left as is)."""
    if out.mask is not None:
        return 'cutmix'
    lam = torch.as_tensor(out.lam, dtype=x.dtype).reshape(-1, 1, 1, 1)
    if bool((lam < 1).all()) and not torch.equal(out.inputs, x):
        torch.testing.assert_close(out.inputs,
                                   lam * x + (1 - lam) * x[out.index])
        return 'mixup'
    assert torch.equal(out.inputs, x) and float(
        torch.as_tensor(out.lam).min()) == 1.0
    return 'none'


@pytest.mark.parametrize('alphas,want', [((0.8, 0.0), 'mixup'),
                                         ((0.0, 1.0), 'cutmix')])
def test_one_alpha_off_mixes_every_batch_with_the_other(alphas, want):
    """As timm's ``Mixup._params_per_batch``: with one alpha 0 the
    ``switch_prob`` does not apply, so at ``prob=1`` every batch is mixed
    by the other mixer (it used to leave ~half of the batches unmixed
    with ``cutmix_alpha=0``), and ``prob`` alone sets how many are mixed."""
    np.random.seed(0)
    torch.manual_seed(0)
    x = torch.randn(16, 1, 8, 8)
    mixup_alpha, cutmix_alpha = alphas
    mixer = BatchTransMix(mixup_alpha=mixup_alpha, cutmix_alpha=cutmix_alpha,
                          switch_prob=0.5, prob=1.0)
    assert [_kind(mixer(x), x) for _ in range(100)] == [want] * 100
    half = BatchTransMix(mixup_alpha=mixup_alpha, cutmix_alpha=cutmix_alpha,
                         switch_prob=0.5, prob=0.6)
    kinds = [_kind(half(x), x) for _ in range(400)]
    assert set(kinds) == {want, 'none'}
    assert 0.52 < kinds.count(want) / len(kinds) < 0.68  # prob, not half


def test_both_alphas_on_switch_by_switch_prob():
    np.random.seed(1)
    torch.manual_seed(1)
    x = torch.randn(16, 1, 8, 8)
    mixer = BatchTransMix(mixup_alpha=0.8, cutmix_alpha=1.0,
                          switch_prob=0.25, prob=1.0)
    kinds = [_kind(mixer(x), x) for _ in range(400)]
    assert 'none' not in kinds
    assert 0.18 < kinds.count('cutmix') / len(kinds) < 0.32
    with pytest.raises(ValueError, match='both 0, so nothing mixes; set '
                       'cutmix_alpha > 0'):
        BatchTransMix(mixup_alpha=0.0, cutmix_alpha=0.0)


def test_training_uses_one_forward_and_the_attention_label():
    torch.manual_seed(0)
    mixer = dict(type='BatchTransMix', mixup_alpha=0.0, cutmix_alpha=1.0)
    model = tiny_vit(mixer).train()
    calls = []
    model.backbone.register_forward_hook(lambda *a: calls.append(1))
    x = torch.randn(6, 1, 16, 16)
    ds = samples(6)
    np.random.seed(3)
    torch.manual_seed(3)
    losses = model.loss(x, ds)
    assert len(calls) == 1  # one pass: no clean batch
    # the same draw with area_weight=1 is plain CutMix with area labels
    area = copy.deepcopy(model)
    area.mixer.area_weight = 1.0
    np.random.seed(3)
    torch.manual_seed(3)
    plain = area.loss(x, ds)
    assert plain['lam_transmix'].item() == pytest.approx(
        plain['lam'].item(), abs=1e-6)
    if losses['lam'].item() < 1:
        assert losses['lam_transmix'].item() != pytest.approx(
            losses['lam'].item(), abs=1e-6)
    losses['loss'].backward()
    assert model.backbone.layers[0].attn.qkv.weight.grad is not None


def test_non_transformer_backbone_is_refused_at_build():
    with pytest.raises(ValueError, match='VisionTransformer'):
        MODELS.build(dict(
            type='MixupClassifier',
            backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=1,
                          stem_channels=8, base_channels=8),
            head=dict(type='SUMixHead', num_classes=4, in_channels=64),
            mixer=dict(type='BatchTransMix')))


def test_sumix_over_transmix_boxes_uses_its_share_ratio():
    """With SUMix on, TransMix's boxes are labelled by SUMix (like every
    mixer); the share ratios need a mask, so CutMix-only TransMix."""
    torch.manual_seed(0)
    model = tiny_vit(dict(type='BatchTransMix', mixup_alpha=0.0),
                     sumix=dict(type='SUMixLoss', ratio='saliency',
                                lam_reduction='sample', gamma=0.0)).train()
    losses = model.loss(torch.randn(4, 1, 16, 16), samples(4))
    assert 'lam_tilde' in losses and torch.isfinite(losses['loss'])
    with pytest.raises(ValueError, match='BatchMixup has no mask'):
        tiny_vit(dict(type='BatchTransMix'),
                 sumix=dict(type='SUMixLoss', ratio='saliency'))
