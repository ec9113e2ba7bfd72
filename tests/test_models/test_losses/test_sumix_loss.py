import math

import pytest
import torch
import torch.nn.functional as F

from sumix_ext.models.losses import SUMixLoss, sumix_loss, sumix_terms


def reference_sumix(z_a, z_m, u_a, u_m, y_a, lam, index, gamma, reduction):
    """Straight, loop-based transcription of the six steps (the spec);
    ``lam`` a float or a per-sample ``(N,)`` tensor."""
    n, k = z_m.shape
    lam_v = lam.double() if isinstance(lam, torch.Tensor) else torch.full(
        (n, ), float(lam), dtype=torch.float64)
    y_b = y_a[index]
    p_a = F.softmax(z_a.detach().double(), 1)
    p_m = F.softmax(z_m.detach().double(), 1)
    p_b = p_a[index].clone()
    p_a = p_a.clone()
    for i in range(n):
        p_a[i, y_b[i]] = 0
        p_b[i, y_a[i]] = 0
    A = torch.zeros(n, k, dtype=torch.float64)
    B = torch.zeros(n, k, dtype=torch.float64)
    for i in range(n):
        sa = torch.exp(p_m[i] - p_a[i])
        sa = sa / sa.sum()
        A[i] = n * sa / sa.norm()
        sb = torch.exp(p_m[i] - p_b[i])
        sb = sb / sb.sum()
        B[i] = n * sb / sb.norm()
    lam_tilde = torch.zeros(n, dtype=torch.float64)
    for i in range(n):
        s_a = math.exp(-A[i, y_a[i]])
        s_b = math.exp(-B[i, y_b[i]])
        li = float(lam_v[i])
        lam_tilde[i] = li * s_a / (li * s_a + (1 - li) * s_b)
    F_a = torch.exp(-(u_a.double() + u_m.double() + A))
    F_b = torch.exp(-(u_a.double()[index] + u_m.double() + B))
    R = (lam_v * F.cross_entropy(F_a, y_a, reduction='none')).mean() + (
        (1 - lam_v) * F.cross_entropy(F_b, y_b, reduction='none')).mean()
    ce_a = F.cross_entropy(z_m.double(), y_a, reduction='none')
    ce_b = F.cross_entropy(z_m.double(), y_b, reduction='none')
    if reduction == 'batch':
        cls = lam_tilde.mean() * ce_a.mean() + (1 - lam_tilde).mean() * \
            ce_b.mean()
    else:
        cls = (lam_tilde * ce_a + (1 - lam_tilde) * ce_b).mean()
    return cls + gamma * R, lam_tilde


def random_case(n=6, k=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    z_a = torch.randn(n, k, generator=g) * 2
    z_m = torch.randn(n, k, generator=g) * 2
    u_a = F.normalize(torch.rand(n, k, generator=g), dim=1)
    u_m = F.normalize(torch.rand(n, k, generator=g), dim=1)
    y = torch.randint(0, k, (n, ), generator=g)
    index = torch.randperm(n, generator=g)
    return z_a, z_m, u_a, u_m, y, index


def test_hand_checked_symmetric_case():
    # z_a = z_m = 0, K=2, y_a=[0,1], pi swaps the two samples, u = 0.
    # Then p = [.5,.5]; after zeroing, every relevant row of p_m - p_a and
    # p_m - p_b is a permutation of [0, .5], so s_a = s_b and lam_tilde = lam.
    # softmax([0,.5]) = [q, 1-q], q = 1/(1+e^.5); rownorm -> divide by
    # sqrt(q^2+(1-q)^2); A, B = 2 * that.
    q = 1 / (1 + math.exp(0.5))
    norm = math.sqrt(q * q + (1 - q) * (1 - q))
    lo, hi = 2 * q / norm, 2 * (1 - q) / norm  # 1.03719, 1.71000
    assert lo == pytest.approx(1.03719, abs=1e-5)
    # For sample 0: A row = [lo, hi], target 0; B row = [hi, lo], target 1.
    # F = e^-row; CE(F, y) with F as logits = -log softmax(F)[y].
    ce_lo = -math.log(math.exp(math.exp(-lo)) /
                      (math.exp(math.exp(-lo)) + math.exp(math.exp(-hi))))
    lam, gamma = 0.3, 0.5
    expected_r = lam * ce_lo + (1 - lam) * ce_lo
    expected = math.log(2) + gamma * expected_r  # CE(0 logits) = ln 2
    zeros = torch.zeros(2, 2)
    y = torch.tensor([0, 1])
    index = torch.tensor([1, 0])
    for reduction in ('batch', 'sample'):
        loss, lam_tilde = sumix_loss(zeros, zeros, zeros, zeros, y, lam,
                                     index, gamma, reduction)
        assert loss.item() == pytest.approx(expected, abs=1e-6)
        assert torch.allclose(lam_tilde, torch.full((2, ), lam))


@pytest.mark.parametrize('reduction', ['batch', 'sample'])
@pytest.mark.parametrize('seed', [0, 1, 2])
def test_matches_loop_reference(reduction, seed):
    z_a, z_m, u_a, u_m, y, index = random_case(seed=seed)
    lam = 0.37
    loss, lam_tilde = sumix_loss(z_a, z_m, u_a, u_m, y, lam, index, 0.7,
                                 reduction)
    ref_loss, ref_tilde = reference_sumix(z_a, z_m, u_a, u_m, y, lam, index,
                                          0.7, reduction)
    assert lam_tilde.shape == (6, )
    assert torch.allclose(lam_tilde.double(), ref_tilde, atol=1e-6)
    assert loss.item() == pytest.approx(ref_loss.item(), abs=1e-5)


@pytest.mark.parametrize('reduction', ['batch', 'sample'])
def test_per_sample_lam_vector_matches_loop_reference(reduction):
    """Distinct lam per sample: a change that permutes or reverses the lam
    vector changes the loss, so this fails on it."""
    z_a, z_m, u_a, u_m, y, index = random_case(seed=9)
    lam = torch.tensor([0.1, 0.3, 0.45, 0.6, 0.8, 0.95])
    loss, lam_tilde = sumix_loss(z_a, z_m, u_a, u_m, y, lam, index, 0.7,
                                 reduction)
    ref_loss, ref_tilde = reference_sumix(z_a, z_m, u_a, u_m, y, lam, index,
                                          0.7, reduction)
    assert torch.allclose(lam_tilde.double(), ref_tilde, atol=1e-6)
    assert loss.item() == pytest.approx(ref_loss.item(), abs=1e-5)
    flipped, _ = reference_sumix(z_a, z_m, u_a, u_m, y, lam.flip(0), index,
                                 0.7, reduction)
    assert abs(flipped.item() - ref_loss.item()) > 1e-3


def test_reductions_differ_when_lam_tilde_varies():
    z_a, z_m, u_a, u_m, y, index = random_case(n=8, seed=3)
    lb, t = sumix_loss(z_a, z_m, u_a, u_m, y, 0.5, index, 0.5, 'batch')
    ls, _ = sumix_loss(z_a, z_m, u_a, u_m, y, 0.5, index, 0.5, 'sample')
    assert t.std() > 0
    assert not torch.isclose(lb, ls)


def test_gradients_flow_only_where_the_maths_says():
    z_a, z_m, u_a, u_m, y, index = (t.clone() for t in random_case(seed=4))
    for t in (z_a, z_m, u_a, u_m):
        t.requires_grad_(True)
    loss, lam_tilde = sumix_loss(z_a, z_m, u_a, u_m, y, 0.4, index)
    loss.backward()
    assert z_a.grad is None  # clean logits only enter detached
    assert z_m.grad is not None and z_m.grad.abs().sum() > 0
    assert u_a.grad.abs().sum() > 0 and u_m.grad.abs().sum() > 0
    assert not lam_tilde.requires_grad


def test_per_sample_lam_equals_scalar_lam_when_constant():
    case = random_case(seed=5)
    z_a, z_m, u_a, u_m, y, index = case
    a = sumix_terms(z_a, z_m, u_a, u_m, y, 0.25, index)
    b = sumix_terms(z_a, z_m, u_a, u_m, y, torch.full((6, ), 0.25), index)
    assert torch.allclose(a.loss, b.loss) and torch.allclose(
        a.lam_tilde, b.lam_tilde)


def test_lam_extremes_and_large_batch_stay_finite():
    z_a, z_m, u_a, u_m, y, index = random_case(n=1024, k=2, seed=6)
    for lam in (0.0, 1e-6, 0.5, 1.0):
        loss, lam_tilde = sumix_loss(z_a, z_m, u_a, u_m, y, lam, index)
        assert torch.isfinite(loss) and torch.isfinite(lam_tilde).all()
    _, t1 = sumix_loss(z_a, z_m, u_a, u_m, y, 1.0, index)
    _, t0 = sumix_loss(z_a, z_m, u_a, u_m, y, 0.0, index)
    assert torch.all(t1 == 1) and torch.all(t0 == 0)


def test_bf16_logits_are_computed_in_fp32():
    z_a, z_m, u_a, u_m, y, index = random_case(seed=7)
    loss, _ = sumix_loss(z_a.bfloat16(), z_m.bfloat16(), u_a.bfloat16(),
                         u_m.bfloat16(), y, 0.5, index)
    assert loss.dtype == torch.float32


def test_module_logs_terms_and_validates():
    z_a, z_m, u_a, u_m, y, index = random_case(seed=8)
    out = SUMixLoss(gamma=1.0, lam_reduction='sample')(z_a, z_m, u_a, u_m, y,
                                                       0.6, index)
    assert set(out) == {'loss', 'lam_tilde', 'sumix_reg', 'ce_a', 'ce_b',
                        'lam_shift', 'lam_flip'}
    ref, _ = sumix_loss(z_a, z_m, u_a, u_m, y, 0.6, index, 1.0, 'sample')
    assert torch.allclose(out['loss'], ref)
    with pytest.raises(ValueError, match='lam_reduction'):
        SUMixLoss(lam_reduction='mean')
    with pytest.raises(ValueError, match='gamma'):
        SUMixLoss(gamma=float('nan'))
