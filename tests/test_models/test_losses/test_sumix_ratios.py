"""The ratio forms of SUMix: each against a hand-derived case, and the
official form reproduced by the scaled one at tau*sqrt(K) = N."""
import math

import pytest
import torch
import torch.nn.functional as F

from sumix_ext.models.losses import SUMixLoss, sumix_terms
from sumix_ext.models.losses.sumix_ratios import (class_activation_maps,
                                                  cam_share, retention_ratio)
from sumix_ext.models.mixers import MixOutput
from tests.test_models.test_losses.test_sumix_loss import random_case


@pytest.mark.parametrize('n,k', [(6, 5), (64, 10), (100, 100)])
def test_scaled_official_direction_at_tau_sqrtk_eq_n_is_official(n, k):
    z_a, z_m, u_a, u_m, y, index = random_case(n=n, k=k, seed=n)
    lam = torch.rand(n, generator=torch.Generator().manual_seed(1))
    off = sumix_terms(z_a, z_m, u_a, u_m, y, lam, index, 0.5, 'sample')
    sc = sumix_terms(z_a, z_m, u_a, u_m, y, lam, index, 0.5, 'sample',
                     ratio='scaled', tau=n / math.sqrt(k),
                     direction='official')
    assert torch.allclose(off.lam_tilde, sc.lam_tilde, atol=1e-6)
    assert torch.allclose(off.loss, sc.loss, atol=1e-6)
    assert torch.allclose(off.reg, sc.reg, atol=1e-6)


def two_class_case():
    """K=2, sample 0 (y_a=0) mixed with sample 1 (y_b=1). The mixed
    prediction keeps class 0 (x_a survived): p_m = [0.9, 0.1]."""
    z_a = torch.log(torch.tensor([[0.5, 0.5], [0.5, 0.5]]))
    z_m = torch.log(torch.tensor([[0.9, 0.1], [0.9, 0.1]]))
    u = torch.zeros(2, 2)
    y = torch.tensor([0, 1])
    index = torch.tensor([1, 0])
    return z_a, z_m, u, y, index


def test_scaled_directions_by_hand():
    """p_a' = [0.5, 0] (partner class 1 zeroed), p_m - p_a' = [0.4, 0.1];
    p_b' = [0, 0.5], p_m - p_b' = [0.9, -0.4]. s_a = rownorm(softmax(
    [0.4, 0.1]))[0], s_b = rownorm(softmax([0.9, -0.4]))[1]. The paper
    direction raises lam for x_a (its class survived); the official one
    lowers it, by exactly the opposite logit shift."""
    z_a, z_m, u, y, index = two_class_case()

    def rownorm_softmax(v):
        e = torch.exp(torch.tensor(v, dtype=torch.float64))
        e = e / e.sum()
        return e / e.norm()

    s_a = float(rownorm_softmax([0.4, 0.1])[0])
    s_b = float(rownorm_softmax([0.9, -0.4])[1])
    shift = 2.0 * math.sqrt(2) * (s_a - s_b)  # tau=2, K=2
    lam = 0.5
    paper = sumix_terms(z_a, z_m, u, u, y, lam, index, ratio='scaled',
                        tau=2.0, direction='paper').lam_tilde[0]
    off = sumix_terms(z_a, z_m, u, u, y, lam, index, ratio='scaled',
                      tau=2.0, direction='official').lam_tilde[0]
    assert s_a > s_b
    assert paper.item() == pytest.approx(1 / (1 + math.exp(-shift)),
                                         abs=1e-6)
    assert off.item() == pytest.approx(1 / (1 + math.exp(shift)), abs=1e-6)
    assert paper > lam > off


def test_retention_by_hand():
    # p_a[y_a]=0.8 -> p_m[y_a]=0.2: r_a = 0.25; p_b[y_b]=0.5 -> p_m 0.5:
    # r_b = 1; rho = 0.2; w = min(0.8, 0.5) = 0.5;
    # lam_tilde = 0.6 + eta * 0.5 * (0.2 - 0.6)
    p_a = torch.tensor([[0.8, 0.1, 0.1], [0.2, 0.5, 0.3]])
    p_m = torch.tensor([[0.2, 0.5, 0.3], [0.5, 0.2, 0.3]])
    y = torch.tensor([0, 1])
    index = torch.tensor([1, 0])
    lam = torch.tensor([0.6, 0.6])
    out = retention_ratio(p_a, p_m, y, index, lam, eta=1.0)
    assert out[0].item() == pytest.approx(0.4, abs=1e-6)
    half = retention_ratio(p_a, p_m, y, index, lam, eta=0.5)
    assert half[0].item() == pytest.approx(0.5, abs=1e-6)


def test_retention_leaves_honest_predictions_alone():
    """p_m[y_a] = lam p_a[y_a] and p_m[y_b] = (1-lam) p_b[y_b] (each class
    kept in proportion to its area): lam_tilde = lam."""
    lam = 0.7
    p_a = torch.tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]])
    p_m = torch.tensor([[0.63, 0.24, 0.13], [0.63, 0.24, 0.13]])
    y = torch.tensor([0, 1])
    index = torch.tensor([1, 0])
    lt = retention_ratio(p_a, p_m, y, index, torch.full((2, ), lam))
    assert lt[0].item() == pytest.approx(lam, abs=1e-6)
    z_a, z_m = torch.log(p_a), torch.log(p_m)
    u = torch.zeros(2, 3)
    terms = sumix_terms(z_a, z_m, u, u, y, lam, index, ratio='retention')
    assert terms.lam_tilde[0].item() == pytest.approx(lam, abs=1e-5)


def test_cam_share_by_hand():
    """Feature maps whose CAM for the own class is a known 2x2 map; a mask
    pasting x_b over the right column."""
    feats = torch.zeros(2, 2, 2, 2)
    feats[0, 0] = torch.tensor([[3.0, 1.0], [0.0, 0.0]])  # class 0 channel
    feats[1, 1] = torch.tensor([[0.0, 0.0], [1.0, 1.0]])  # class 1 channel
    fc = torch.eye(2)
    y = torch.tensor([0, 1])
    cams = class_activation_maps(feats, fc, y, (2, 2))
    assert torch.allclose(cams[0, 0], torch.tensor([[0.75, 0.25], [0, 0]]))
    assert torch.allclose(cams.sum(dim=(1, 2, 3)), torch.ones(2))
    mask = torch.tensor([[[[False, True], [False, True]]]])
    out = MixOutput(torch.zeros(2, 1, 2, 2), torch.tensor([1, 0]), 0.5, mask)
    share = cam_share(feats, fc, y, out)
    # sample 0: c_a = 0.75 (left column of its CAM), c_b = CAM of x_1 in
    # the right column = 0.5 -> 0.75 / 1.25
    assert share[0].item() == pytest.approx(0.6)
    # sample 1: c_a = 0.5, c_b = 0.25 -> 2/3
    assert share[1].item() == pytest.approx(2 / 3)
    # the loss takes it, blended with lam
    z = torch.zeros(2, 2)
    terms = sumix_terms(z, z, z, z, y, 0.5, out.index, ratio='cam',
                        share=share, blend=0.25)
    assert torch.allclose(terms.lam_tilde, 0.75 * share + 0.25 * 0.5)
    with pytest.raises(ValueError, match='needs share'):
        sumix_terms(z, z, z, z, y, 0.5, out.index, ratio='cam')
    with pytest.raises(ValueError, match='mask-based mixer'):
        cam_share(feats, fc, y, MixOutput(out.inputs, out.index, 0.5))
    with pytest.raises(ValueError, match='convolutional feature maps'):
        class_activation_maps(torch.zeros(2, 4), fc, y, (2, 2))


def test_reg_scale_gives_the_regulariser_a_gradient():
    """Official scale N=64, K=10: F ~ e^-20, dR/du ~ 0. A fixed reg_scale
    of 1 gives a gradient orders of magnitude larger."""
    z_a, z_m, u_a, u_m, y, index = random_case(n=64, k=10, seed=3)
    grads = {}
    for scale in (None, 1.0):
        u = u_m.clone().requires_grad_(True)
        terms = sumix_terms(z_a, z_m, u_a, u, y, 0.5, index,
                            reg_scale=scale)
        terms.reg.backward()
        grads[scale] = u.grad.abs().mean().item()
    assert grads[1.0] > 1e3 * grads[None]
    # and the corrected ratio does not depend on reg_scale
    a = sumix_terms(z_a, z_m, u_a, u_m, y, 0.5, index)
    b = sumix_terms(z_a, z_m, u_a, u_m, y, 0.5, index, reg_scale=1.0)
    assert torch.equal(a.lam_tilde, b.lam_tilde)


def test_gamma_zero_is_the_corrected_cross_entropy_alone():
    z_a, z_m, u_a, u_m, y, index = random_case(seed=2)
    t = sumix_terms(z_a, z_m, u_a, u_m, y, 0.3, index, gamma=0.0,
                    lam_reduction='sample', ratio='retention')
    ce_a = F.cross_entropy(z_m, y, reduction='none')
    ce_b = F.cross_entropy(z_m, y[index], reduction='none')
    cls = (t.lam_tilde * ce_a + (1 - t.lam_tilde) * ce_b).mean()
    assert torch.allclose(t.loss, cls, atol=1e-6)


def test_module_logs_shift_and_flip_and_validates():
    z_a, z_m, u, y, index = two_class_case()
    loss = SUMixLoss(ratio='scaled', tau=50.0, direction='official')
    out = loss(z_a, z_m, u, u, y, 0.6, index)
    t = loss.terms(z_a, z_m, u, u, y, 0.6, index)
    assert out['lam_shift'].item() == pytest.approx(
        (t.lam_tilde - 0.6).abs().mean().item())
    # a huge official-direction shift pushes x_a below 0.5: a flip
    assert t.lam_tilde[0] < 0.5 and out['lam_flip'].item() >= 0.5
    for bad in (dict(ratio='area'), dict(direction='up'), dict(eta=2.0),
                dict(blend=-0.1), dict(tau=-1.0), dict(reg_scale='n')):
        with pytest.raises(ValueError, match='SUMixLoss'):
            SUMixLoss(**bad)
    assert SUMixLoss(ratio='cam').needs_share and not SUMixLoss().needs_share


def test_saliency_share_is_the_semantic_share_of_the_saliency_map():
    from sumix_ext.models.losses.sumix_ratios import (saliency_map,
                                                      saliency_share)
    from sumix_ext.models.mixers import build_mixer, semantic_share
    torch.manual_seed(0)
    x = torch.zeros(4, 1, 16, 16)
    x[:, :, 3:9, 3:9] = 1.0  # a bright square on every image
    import numpy as np
    np.random.seed(0)
    out = build_mixer(dict(type='BatchCutMix', alpha=1.0))(x)
    sal = saliency_map(x)
    assert sal.shape == (4, 1, 16, 16) and sal.min() >= 0
    share = saliency_share(x, out)
    assert torch.allclose(share, semantic_share(out, sal))
    assert SUMixLoss(ratio='saliency').needs_share
