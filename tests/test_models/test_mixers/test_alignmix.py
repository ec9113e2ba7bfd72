"""AlignMix: the Sinkhorn plan is doubly stochastic and is the authors'
plan; an AlignMix mix equals a hand-computed one; the procedure replaces
only the backbone's last maps (or mixes the images), trains every weight
and leaves no hook behind; refusals are one line naming the fix."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import sumix_ext  # noqa: F401
from sumix_ext.models.mixers import (BatchAlignMix, align_mix, alignment,
                                     sinkhorn_plan)
from sumix_ext.models.mixers.alignmix import squared_distances

INDEX = torch.tensor([2, 3, 0, 1])
LAM = 0.3


def authors_plan(x, y, eps=0.1, max_iter=100):
    """``SinkhornDistance.forward`` of github.com/shashankvkt/
    AlignMixup_CVPR22 (cifar10_100/utils/OT.py), line for line without
    ``.cuda()``."""
    C = torch.sum((torch.abs(x.unsqueeze(-2) - y.unsqueeze(-3))) ** 2, -1)
    x_points, y_points = x.shape[-2], y.shape[-2]
    batch_size = x.shape[0]
    mu = torch.empty(batch_size, x_points, dtype=torch.float).fill_(
        1.0 / x_points).squeeze()
    nu = torch.empty(batch_size, y_points, dtype=torch.float).fill_(
        1.0 / y_points).squeeze()
    u, v = torch.zeros_like(mu), torch.zeros_like(nu)

    def M(C, u, v):
        return (-C + u.unsqueeze(-1) + v.unsqueeze(-2)) / eps

    for _ in range(max_iter):
        u1 = u
        u = eps * (torch.log(mu + 1e-8) - torch.logsumexp(M(C, u, v),
                                                          dim=-1)) + u
        v = eps * (torch.log(nu + 1e-8) - torch.logsumexp(
            M(C, u, v).transpose(-2, -1), dim=-1)) + v
        if (u - u1).abs().sum(-1).mean().item() < 1e-1:
            break
    return torch.exp(M(C, u, v))


def features(n=3, p=16, d=8, scale=1.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n, p, d, generator=g) * scale,
            torch.randn(n, p, d, generator=g) * scale)


def test_squared_distances_are_the_authors_cost():
    x, y = features(p=5, d=7)
    brute = ((x[:, :, None] - y[:, None]) ** 2).sum(-1)
    torch.testing.assert_close(squared_distances(x, y), brute)


@pytest.mark.parametrize('scale', [0.1, 0.3, 1.0])
def test_the_plan_is_the_authors(scale):
    x, y = features(scale=scale)
    torch.testing.assert_close(sinkhorn_plan(x, y), authors_plan(x, y),
                               rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize('p,q', [(16, 16), (9, 4)])
def test_the_plan_is_doubly_stochastic(p, q):
    """Rows sum to mu = 1/P, columns to nu = 1/Q (run to convergence);
    columns always do (the last update), rows once converged."""
    x, _ = features(p=p, scale=0.3)
    _, y = features(p=q, scale=0.3, seed=1)
    plan = sinkhorn_plan(x, y, eps=0.1, max_iter=5000, thresh=1e-9)
    assert (plan >= 0).all()
    torch.testing.assert_close(plan.sum(-1), torch.full((3, p), 1 / p),
                               rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(plan.sum(-2), torch.full((3, q), 1 / q),
                               rtol=1e-4, atol=1e-6)
    # at the authors' stopping rule the columns are still exact
    loose = sinkhorn_plan(x, y)
    torch.testing.assert_close(loose.sum(-2), torch.full((3, q), 1 / q),
                               rtol=1e-4, atol=1e-6)


def test_the_plan_of_large_costs_is_finite():
    """Real last-stage maps have costs of hundreds (exp(-C / eps)
    underflows): the log domain keeps the plan finite, its columns exact."""
    x, y = features(p=16, d=64, scale=3.0)
    plan = alignment(x.transpose(1, 2).reshape(3, 64, 4, 4),
                     y.transpose(1, 2).reshape(3, 64, 4, 4))
    assert torch.isfinite(plan).all() and (plan >= 0).all()
    torch.testing.assert_close(plan.sum(-2), torch.ones(3, 16), rtol=1e-4,
                               atol=1e-5)


def two_point_assignment(a, b, eps=1.0):
    """The converged entropic assignment R = 2 pi of two 1-D point pairs
    with uniform marginals: [[t, 1 - t], [1 - t, t]] with t / (1 - t) =
    r = sqrt(K11 K22 / (K12 K21)), K = exp(-C / eps)."""
    c = [[(ai - bj) ** 2 for bj in b] for ai in a]
    r = math.exp((-c[0][0] - c[1][1] + c[0][1] + c[1][0]) / (2 * eps))
    t = r / (1 + r)
    return torch.tensor([[t, 1 - t], [1 - t, t]])


def test_a_two_point_plan_has_the_closed_form():
    """1-D points a = (0, 1), b = (0.5, 1.5), eps 1: r = e."""
    a = torch.tensor([[[0.0], [1.0]]])
    b = torch.tensor([[[0.5], [1.5]]])
    plan = sinkhorn_plan(a, b, eps=1.0, max_iter=10000, thresh=0)
    t = math.e / (1 + math.e)
    want = torch.tensor([[[t, 1 - t], [1 - t, t]]]) / 2
    torch.testing.assert_close(plan, want, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(two_point_assignment((0, 1), (0.5, 1.5)),
                               2 * want[0])


def test_an_alignmix_mix_equals_the_hand_computed_one():
    """Two samples, one channel, 1x2 maps (a_0, a_1), (b_0, b_1), eps 1:
    direction 0 puts sum_j R_ij b_j at A's position i, direction 1 puts
    sum_i R_ij a_i at B's position j; then lam / 1 - lam."""
    pairs = [((0.0, 1.0), (0.5, 1.5)), ((2.0, 3.0), (4.0, 1.0))]
    feat_a = torch.tensor([[[a]] for a, _ in pairs])
    feat_b = torch.tensor([[[b]] for _, b in pairs])
    lam = 0.25
    R = alignment(feat_a, feat_b, eps=1.0, max_iter=10000, thresh=0)
    want0, want1 = [], []
    for n, (a, b) in enumerate(pairs):
        r = two_point_assignment(a, b).tolist()
        torch.testing.assert_close(R[n], torch.tensor(r), rtol=1e-5,
                                   atol=1e-6)
        want0.append([lam * a[i] + (1 - lam) * (r[i][0] * b[0] +
                                                r[i][1] * b[1])
                      for i in (0, 1)])
        want1.append([lam * (r[0][j] * a[0] + r[1][j] * a[1]) +
                      (1 - lam) * b[j] for j in (0, 1)])
    for direction, want in ((0, want0), (1, want1)):
        got = align_mix(feat_a, feat_b, lam, R, direction)
        torch.testing.assert_close(
            got, torch.tensor(want).view(2, 1, 1, 2))
    # a hard swap plan moves b onto a's positions and back
    swap = torch.tensor([[0.0, 1.0], [1.0, 0.0]]).expand(2, 2, 2)
    got = align_mix(feat_a, feat_b, lam, swap, 0)
    torch.testing.assert_close(got, lam * feat_a + (1 - lam) *
                               feat_b.flip(-1))
    with pytest.raises(ValueError, match='direction must be 0 or 1'):
        align_mix(feat_a, feat_b, lam, swap, 2)


# ------------------------------------------------------------ procedure
def build(**mixer):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='MixupClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                      base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='SUMixHead', num_classes=10, in_channels=32),
        mixer=dict(type='BatchAlignMix', **mixer), sumix=None)).train()


def hand_batch():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(4, 3, 32, 32, generator=g)
    y = torch.tensor([0, 1, 2, 3])
    return x, [DataSample().set_gt_label(int(v)) for v in y], y


def fix_draws(monkeypatch, mixer, input_step, direction=0):
    monkeypatch.setattr(mixer, 'sample_lam', lambda: LAM)
    monkeypatch.setattr(mixer, 'sample_index', lambda n, device=None: INDEX)
    monkeypatch.setattr(mixer, 'sample_input_step', lambda: input_step)
    monkeypatch.setattr(mixer, 'sample_direction', lambda: direction)


def n_hooks(model):
    return sum(len(m._forward_pre_hooks) + len(m._forward_hooks)
               for m in model.modules())


@pytest.mark.parametrize('direction', [0, 1])
def test_the_step_aligns_only_the_last_maps(direction, monkeypatch):
    model = build()
    x, samples, y = hand_batch()
    fix_draws(monkeypatch, model.mixer, input_step=False,
              direction=direction)
    bare = n_hooks(model)
    out = model.loss(x, samples)
    assert n_hooks(model) == bare
    assert float(out['aligned']) == 1.0
    assert float(out['lam']) == pytest.approx(LAM)
    feats = model.backbone(x)[-1]
    plan = alignment(feats, feats[INDEX])
    mixed = align_mix(feats, feats[INDEX], LAM, plan, direction)
    z = model.head(model.neck((mixed, )))
    want = LAM * F.cross_entropy(z, y) + (1 - LAM) * F.cross_entropy(
        z, y[INDEX])
    torch.testing.assert_close(out['loss'], want)


def test_the_other_steps_mix_the_images(monkeypatch):
    model = build()
    x, samples, y = hand_batch()
    fix_draws(monkeypatch, model.mixer, input_step=True)
    out = model.loss(x, samples)
    assert float(out['aligned']) == 0.0
    z = model.head(model.extract_feat(LAM * x + (1 - LAM) * x[INDEX]))
    want = LAM * F.cross_entropy(z, y) + (1 - LAM) * F.cross_entropy(
        z, y[INDEX])
    torch.testing.assert_close(out['loss'], want)


@pytest.mark.parametrize('input_step', [False, True])
def test_every_weight_gets_a_gradient(input_step, monkeypatch):
    """The authors detach only the plan: both partners' maps, hence every
    backbone and head weight, get a gradient on both kinds of step."""
    model = build()
    x, samples, _ = hand_batch()
    fix_draws(monkeypatch, model.mixer, input_step=input_step)
    model.loss(x, samples)['loss'].backward()
    trained = {n: p for n, p in model.named_parameters() if p.requires_grad}
    assert any(n.startswith('backbone.') for n in trained)
    for name, p in trained.items():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_draws_and_defaults():
    mixer = BatchAlignMix()
    assert (mixer.alpha, mixer.eps, mixer.max_iter, mixer.thresh,
            mixer.input_mix_prob) == (2.0, 0.1, 100, 0.1, 0.5)
    np.random.seed(0)
    steps = [mixer.sample_input_step() for _ in range(2000)]
    dirs = [mixer.sample_direction() for _ in range(2000)]
    assert abs(np.mean(steps) - 0.5) < 0.05 and abs(np.mean(dirs) - 0.5) \
        < 0.05
    assert not any(BatchAlignMix(input_mix_prob=0).sample_input_step()
                   for _ in range(50))
    x = torch.randn(4, 3, 8, 8)
    out = mixer.mix(x, LAM, INDEX)
    torch.testing.assert_close(out.inputs, LAM * x + (1 - LAM) * x[INDEX])


@pytest.mark.parametrize('kwargs,match', [
    (dict(eps=0), 'eps must be a number > 0'),
    (dict(max_iter=2.5), 'max_iter must be a whole number > 0'),
    (dict(thresh=-1), 'thresh must be a number >= 0'),
    (dict(input_mix_prob=1.5), r'input_mix_prob must be a number in'),
    (dict(alpha=-1), 'alpha must be a finite number > 0'),
])
def test_bad_arguments_are_one_line(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatchAlignMix(**kwargs)


def test_refusals_name_the_fix():
    with pytest.raises(ValueError, match=r"returns out_type='cls_token'; "
                       r'use a CNN backbone'):
        MODELS.build(dict(
            type='MixupClassifier',
            backbone=dict(type='VisionTransformer', img_size=32,
                          patch_size=8, arch=dict(
                              embed_dims=32, num_layers=1, num_heads=2,
                              feedforward_channels=64)),
            head=dict(type='SUMixHead', num_classes=10, in_channels=32),
            mixer=dict(type='BatchAlignMix'), sumix=None))
    with pytest.raises(ValueError, match=r'does not combine with SUMix \(it '
                       r'interpolates aligned feature maps'):
        MODELS.build(dict(
            type='MixupClassifier',
            backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                          base_channels=4),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='SUMixHead', num_classes=10, in_channels=32),
            mixer=dict(type='BatchAlignMix'), sumix=dict(type='SUMixLoss')))
    with pytest.raises(ValueError, match=r'aligns \(N, C, h, w\) feature '
                       r'maps, but the backbone gave \(4, 32\)'):
        BatchAlignMix().align(torch.randn(4, 32), LAM, INDEX, 0)
    with pytest.raises(ValueError, match='not in a stock ImageClassifier'):
        BatchAlignMix()(torch.randn(4, 3, 8, 8), torch.eye(4))
