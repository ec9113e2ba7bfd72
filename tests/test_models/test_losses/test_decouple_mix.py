"""DecoupleMix loss: hand-computed values, OpenMixup's eta modes and lam
rescaling, the single-class and lam = 0.5 fallbacks, and the classifier's
``mix_loss`` hook with its build-time refusals."""
import math

import pytest
import torch

from sumix_ext.models.losses import DecoupleMixLoss, decouple_mix_loss
from sumix_ext.models.losses.decouple_mix import eta_weights, lambda_adjust
from tests.conftest import build_tiny_classifier
from tests.test_models.test_classifiers.test_fast_sumix import batch


def _lse(*v):
    return math.log(sum(math.exp(x) for x in v))


def test_one_sample_by_hand():
    """z = (1, 2, 0.5), y_a = 0, y_b = 1, lam = 0.3, eta 0.1, 'both',
    pow(thr 1, idx 1): w_a = 0.03, w_b = 0.07."""
    z = torch.tensor([[1.0, 2.0, 0.5]])
    lse = _lse(1.0, 2.0, 0.5)
    local = -(0.3 * (1.0 - lse) + 0.7 * (2.0 - lse))
    g_a = _lse(1.0, 0.5) - 1.0  # y_b's class left out
    g_b = _lse(2.0, 0.5) - 2.0  # y_a's class left out
    want = local + 0.1 * 0.3 * g_a + 0.1 * 0.7 * g_b
    got = decouple_mix_loss(z, torch.tensor([0]), torch.tensor([1]), 0.3)
    assert got.item() == pytest.approx(want, rel=1e-6)
    # eta = 0 is the mixup cross-entropy
    got0 = decouple_mix_loss(z, torch.tensor([0]), torch.tensor([1]), 0.3,
                             eta=0.0)
    assert got0.item() == pytest.approx(local, rel=1e-6)


def test_batch_mean_and_fallbacks():
    """Same-class pairs, lam = 0.5 and lam ~ 1 keep the soft CE only (as
    OpenMixup); the batch loss is the mean of the per-sample losses."""
    z = torch.tensor([[1.0, 2.0, 0.5], [0.2, -1.0, 3.0]])
    y_a, y_b = torch.tensor([0, 2]), torch.tensor([1, 2])
    lam = torch.tensor([0.3, 0.8])
    lse0, lse1 = _lse(1.0, 2.0, 0.5), _lse(0.2, -1.0, 3.0)
    s0 = -(0.3 * (1 - lse0) + 0.7 * (2 - lse0)) + 0.03 * (
        _lse(1.0, 0.5) - 1.0) + 0.07 * (_lse(2.0, 0.5) - 2.0)
    s1 = -(3.0 - lse1)  # same class: plain CE
    got = decouple_mix_loss(z, y_a, y_b, lam)
    assert got.item() == pytest.approx((s0 + s1) / 2, rel=1e-6)
    half = decouple_mix_loss(z[:1], y_a[:1], y_b[:1], 0.5)
    assert half.item() == pytest.approx(-(0.5 * (1 - lse0) + 0.5 * (
        2 - lse0)), rel=1e-6)
    near_one = decouple_mix_loss(z[:1], y_a[:1], y_b[:1], 1 - 1e-4)
    assert near_one.item() == pytest.approx(
        -((1 - 1e-4) * (1 - lse0) + 1e-4 * (2 - lse0)), rel=1e-6)


def test_eta_modes_and_lam_rescaling_as_openmixup():
    lam = torch.tensor([0.3, 0.7])
    # 'less' with thr 0.5: only the minority component is weighted
    w_a, w_b = eta_weights(lam, 0.1, 'less', 0.5, 'none', 1.0, 1.0)
    assert w_a.tolist() == pytest.approx([0.1, 0.0])
    assert w_b.tolist() == pytest.approx([0.0, 0.1])
    w_a, w_b = eta_weights(lam, 0.1, 'more', 0.5, 'pow', 1.0, 1.0)
    assert w_a.tolist() == pytest.approx([0.0, 0.07])
    assert w_b.tolist() == pytest.approx([0.07, 0.0])
    # pow: thr^-k w^k below thr, 1 at/above it
    got = lambda_adjust(torch.tensor([0.25, 0.5, 0.8]), 'pow', 0.5, 2.0)
    assert got.tolist() == pytest.approx([0.25, 1.0, 1.0])
    # exp: 0 at w = 0, 1 at w = thr
    got = lambda_adjust(torch.tensor([0.0, 0.4999999, 0.5]), 'exp', 0.5, 2.0)
    assert got.tolist() == pytest.approx([0.0, 1.0, 1.0], abs=1e-6)


def test_gradient_pushes_each_class_against_the_rest_but_not_the_other():
    """g_a does not depend on z_{y_b}: the decoupled term leaves the other
    mixed class out of the competition."""
    z = torch.tensor([[1.0, 2.0, 0.5]], requires_grad=True)
    lam = 0.3
    loss = decouple_mix_loss(z, torch.tensor([0]), torch.tensor([1]), lam,
                             eta=1.0, lam_scale_mode='none')
    local = decouple_mix_loss(z, torch.tensor([0]), torch.tensor([1]), lam,
                              eta=0.0)
    (g,) = torch.autograd.grad(loss - local, z)
    p_no_b = torch.softmax(torch.tensor([1.0, 0.5]), 0)
    p_no_a = torch.softmax(torch.tensor([2.0, 0.5]), 0)
    want = torch.tensor([(p_no_b[0] - 1) + 0.0,  # from g_a only
                         0.0 + (p_no_a[0] - 1),  # from g_b only
                         p_no_b[1] + p_no_a[1]])
    torch.testing.assert_close(g[0], want)


def test_bad_values_say_how_to_fix():
    with pytest.raises(ValueError, match='mode must be one of'):
        DecoupleMixLoss(mode='all')
    with pytest.raises(ValueError, match='eta must be >= 0'):
        DecoupleMixLoss(eta=-1)


def test_classifier_trains_with_it_and_refuses_sumix():
    torch.manual_seed(0)
    model = build_tiny_classifier(
        sumix=None, mixer=dict(type='BatchCutMix', alpha=1.0))
    model.mix_loss = DecoupleMixLoss(eta=0.1)
    x, samples = batch(n=4)
    out = model.loss(x, samples)
    assert torch.isfinite(out['loss'])
    out['loss'].backward()
    with pytest.raises(ValueError, match='SUMix both replace the mixed-label'
                       ' loss'):
        build_tiny_classifier(sumix=True, mixer=dict(type='BatchCutMix'),
                              mix_loss=dict(type='DecoupleMixLoss'))
    with pytest.raises(ValueError, match='trains with its own label weights'):
        build_tiny_classifier(sumix=None, mixer=dict(type='BatchSnapMix'),
                              mix_loss=dict(type='DecoupleMixLoss'))
