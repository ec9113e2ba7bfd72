"""Mean exact lam over many draws vs the Beta(alpha, alpha) expectation.

Mixup and FMix report the drawn lam itself (FMix to a pixel), so the mean
must match E[lam] = 0.5. The other mixers correct the draw (box clipping,
resize scope, grid cells, Gaussian cut by the border); their mean is
compared with the expectation of the SAME correction applied to Beta draws,
computed here independently in closed form with numpy (no mask is built).

Tolerance: 4 standard errors of the mean of the K draws (sample std /
sqrt(K)) plus the Monte Carlo error of the numpy expectation (M >> K), so a
correct mixer fails with probability < 1e-4 and the seeds make it
deterministic anyway. A wrong correction (e.g. reporting 1 - lam, or the
un-clipped lam) is off by several times this tolerance.
"""
import math

import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import build_mixer

M = 200_000  # Monte Carlo draws for the numpy expectations


def mean_lam(cfg, k, x):
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = build_mixer(cfg)
    lams = np.array([float(torch.as_tensor(mixer(x).lam).double().mean())
                     for _ in range(k)])
    return lams.mean(), 4 * lams.std() / math.sqrt(k)


def clipped_length_table(size):
    """E over a uniform centre of the clipped length of a box of side c."""
    centres = np.arange(size)[None, :]
    cuts = np.arange(size + 1)[:, None]
    lengths = (np.minimum(centres + cuts // 2, size) -
               np.maximum(centres - cuts // 2, 0))
    return lengths.mean(axis=1)


def expected_box_lam(alpha, size, rng):
    lam = rng.beta(alpha, alpha, M)
    cut = (size * np.sqrt(1 - lam)).astype(int)
    ell = clipped_length_table(size)[cut]
    out = 1 - ell * ell / size**2
    return out.mean(), 4 * out.std() / math.sqrt(M)


@pytest.mark.parametrize('name,alpha', [('BatchMixup', 1.0),
                                        ('BatchFMix', 0.2)])
def test_uncorrected_mixers_match_beta_mean(name, alpha):
    x = torch.randn(2, 1, 16, 16)
    got, tol = mean_lam(dict(type=name), 3000, x)
    # std of Beta(a, a) is 0.5/sqrt(2a+1): tol ~ 0.021 (a=1), 0.031 (a=0.2)
    assert abs(got - 0.5) < tol + 1 / (2 * 16 * 16)
    assert tol < 0.035


def test_fmix_lam_is_the_draw_to_a_pixel():
    np.random.seed(5)
    draws = np.random.beta(0.2, 0.2, 200)
    np.random.seed(5)
    mixer = build_mixer(dict(type='BatchFMix'))
    x = torch.randn(2, 3, 28, 28)
    got = np.array([mixer(x).lam for _ in range(200)])
    assert np.abs(got - draws).max() <= 1 / (2 * 28 * 28) + 1e-12


def test_cutmix_mean_matches_clipped_box_expectation():
    size = 32
    got, tol = mean_lam(dict(type='BatchCutMix'), 3000,
                        torch.randn(2, 1, size, size))
    want, mc = expected_box_lam(0.2, size, np.random.default_rng(1))
    assert abs(got - want) < tol + mc
    assert want > 0.5 + 3 * (tol + mc)  # clipping visibly raises the mean


def test_saliencymix_mean_matches_clipped_box_expectation():
    """On i.i.d. noise at 64 px the saliency map is equivariant to circular
    shifts (FFT, circular box/Gaussian filters, no resize), so the peak -
    the box centre - is uniform and the CutMix expectation applies."""
    size = 64
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = build_mixer(dict(type='BatchSaliencyMix'))
    lams = []
    for _ in range(500):
        x = torch.randn(4, 3, size, size)
        lams.append(float(mixer(x).lam.double().mean()))
    lams = np.array(lams)
    got, tol = lams.mean(), 4 * lams.std() / math.sqrt(len(lams))
    want, mc = expected_box_lam(0.2, size, np.random.default_rng(2))
    assert abs(got - want) < tol + mc


@pytest.mark.parametrize('use_alpha', [False, True])
def test_resizemix_mean_matches_scope_expectation(use_alpha):
    size = 32
    got, tol = mean_lam(dict(type='BatchResizeMix', use_alpha=use_alpha),
                        2000, torch.randn(2, 1, size, size))
    rng = np.random.default_rng(3)
    u = rng.beta(1.0, 1.0, M) if use_alpha else rng.uniform(0, 1, M)
    tau = 0.1 + 0.7 * u
    side = np.maximum(1, (tau * size).astype(int))
    lam = 1 - side * side / size**2
    assert abs(got - lam.mean()) < tol + 4 * lam.std() / math.sqrt(M)


def _count(span, period, hole):
    """Indices i in [0, span) with i mod period < hole (closed form)."""
    return (span // period) * hole + np.minimum(span % period, hole)


def test_gridmix_mean_matches_grid_expectation():
    size = 32
    got, tol = mean_lam(dict(type='BatchGridMix'), 2000,
                        torch.randn(2, 1, size, size))
    rng = np.random.default_rng(4)
    lam = rng.beta(1.0, 1.0, M)
    n = rng.integers(2, 7, M)
    area = rng.uniform(0.5, 1.0, M) * size * size
    aspect = rng.uniform(0.5, 2.0, M)
    cut_w = np.clip(np.sqrt(area / aspect).astype(int), 2, size)
    cut_h = np.clip((cut_w * aspect).astype(int), 2, size)
    pw = np.maximum(2, np.ceil(cut_w / n).astype(int))
    ph = pw  # hole_aspect_ratio = 1
    ratio = np.sqrt(1 - lam)
    hw = np.clip((pw * ratio).astype(int), 1, pw - 1)
    hh = np.clip((ph * ratio).astype(int), 1, ph - 1)
    exact = 1 - _count(cut_h, ph, hh) * _count(cut_w, pw, hw) / size**2
    assert abs(got - exact.mean()) < tol + 4 * exact.std() / math.sqrt(M)


def test_smoothmix_mean_matches_truncated_gaussian_expectation():
    size = 32
    got, tol = mean_lam(dict(type='BatchSmoothMix'), 2000,
                        torch.randn(2, 1, size, size))
    rng = np.random.default_rng(5)
    m = 40_000
    lam = rng.beta(0.2, 0.2, m)
    sigma = np.maximum(np.sqrt((1 - lam) / (2 * np.pi)), 1e-4) * size
    pix = np.arange(size) + 0.5
    cy, cx = rng.uniform(0, size, (2, m))
    gy = np.exp(-(pix - cy[:, None])**2 / (2 * sigma[:, None]**2)).mean(1)
    gx = np.exp(-(pix - cx[:, None])**2 / (2 * sigma[:, None]**2)).mean(1)
    exact = 1 - gy * gx
    assert abs(got - exact.mean()) < tol + 4 * exact.std() / math.sqrt(m)
    assert exact.mean() > 0.5 + 3 * tol  # the border visibly raises it
