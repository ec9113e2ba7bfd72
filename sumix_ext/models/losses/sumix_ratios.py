r"""The corrected mixing ratios of SUMix: the authors' form and the variants.

Every function is pure, vectorised and gradient-free (all inputs are
detached probabilities or maps); :func:`~sumix_ext.models.losses.sumix_terms`
picks one with ``ratio=``. Notation: :math:`p_a = \mathrm{softmax}(z_a)`
(clean batch), :math:`p_m = \mathrm{softmax}(z_m)` (mixed batch),
:math:`p_b = p_a[\pi]`, labels :math:`y_a`, :math:`y_b = y_a[\pi]`, area
ratio :math:`\lambda`, :math:`K` classes, :math:`N` samples per process.

Semantic similarity (step 3 of the paper, before any scale):

.. math::
    \hat s_a = \mathrm{rownorm}_{L2}(\mathrm{softmax}(p_m - p_a'))[y_a],
    \quad
    \hat s_b = \mathrm{rownorm}_{L2}(\mathrm{softmax}(p_m - p_b'))[y_b]

(:math:`p_a'` is :math:`p_a` with the partner's class zeroed). It grows
when the mixed prediction keeps *more* of a source's class than its clean
prediction had, i.e. when that source survived the cut.

* ``'official'`` (the authors' code): :math:`\tilde\lambda = \sigma(
  \mathrm{logit}\,\lambda - N(\hat s_a - \hat s_b))`. The source that
  survived gets *less* weight, with a strength :math:`N/\sqrt K` that depends
  on the per-process batch (docs/sumix_analysis.md).
* ``'scaled'``: :math:`\tilde\lambda = \sigma(\mathrm{logit}\,\lambda +
  d\,\tau\sqrt K(\hat s_a - \hat s_b))`, :math:`d = -1` (``direction=
  'official'``) or :math:`+1` (``'paper'``: the survivor gets more weight);
  free of the batch size. :math:`\tau\sqrt K = N`, :math:`d=-1` is exactly
  ``'official'``.
* ``'retention'``: :math:`r_a = \min(1, p_m[y_a] / p_a[y_a])`, :math:`r_b =
  \min(1, p_m[y_b] / p_b[y_b])`, :math:`\rho = r_a / (r_a + r_b)`, :math:`w =
  \min(p_a[y_a], p_b[y_b])`, :math:`\tilde\lambda = \lambda + \eta\,w\,(\rho
  - \lambda)`. A mixed prediction that keeps each class in proportion to its
  area (:math:`p_m[y_a] = \lambda p_a[y_a]`, :math:`p_m[y_b] = (1-\lambda)
  p_b[y_b]`) gives :math:`\tilde\lambda = \lambda`; the correction is damped
  by how sure the clean predictions are (:math:`w`).
* ``'cam'`` (SnapMix-style): the share of each clean image's class
  activation map (for its own label) that survives the mixer's mask, see
  :func:`cam_share`; :math:`\tilde\lambda = (1 - \beta) c + \beta\lambda`.
* ``'saliency'`` (model-free): the same with the spectral-residual saliency
  of the clean images as the object map, :func:`saliency_share`.
"""
import math
from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from ..mixers.base import MixOutput, partner_in_mix, self_in_mix
from ..mixers.saliency_map import spectral_residual_saliency
from ..mixers.true_share import semantic_share

RATIOS = ('official', 'scaled', 'retention', 'cam', 'saliency')
#: the ratio forms that take a share estimated from the clean batch
SHARE_RATIOS = ('cam', 'saliency')
DIRECTIONS = ('official', 'paper')


def semantic_similarity(p_a: torch.Tensor, p_m: torch.Tensor,
                        target: torch.Tensor, index: torch.Tensor
                        ) -> Tuple[torch.Tensor, torch.Tensor]:
    r"""Row-normalised :math:`\mathrm{softmax}(p_m - p')` maps, unscaled.

    Args:
        p_a (torch.Tensor): ``(N, K)`` clean probabilities.
        p_m (torch.Tensor): ``(N, K)`` mixed probabilities.
        target (torch.Tensor): ``(N,)`` labels ``y_a``.
        index (torch.Tensor): ``(N,)`` partner permutation.

    Returns:
        tuple: ``(sim_a, sim_b)``, both ``(N, K)``; the paper's distances
        are these times a scale (``N`` in the authors' code), read at
        ``y_a`` and ``y_b``.
    """
    rows = torch.arange(p_a.size(0), device=p_a.device)
    p_b = p_a[index]  # advanced indexing: a copy
    p_a = p_a.clone()
    p_a[rows, target[index]] = 0
    p_b[rows, target] = 0
    sim_a = F.normalize(F.softmax(p_m - p_a, dim=1), p=2, dim=1)
    sim_b = F.normalize(F.softmax(p_m - p_b, dim=1), p=2, dim=1)
    return sim_a, sim_b


def logit_shift_ratio(lam: torch.Tensor, dist_a: torch.Tensor,
                      dist_b: torch.Tensor) -> torch.Tensor:
    r""":math:`\frac{\lambda e^{-A}}{\lambda e^{-A} + (1-\lambda) e^{-B}} =
    \sigma(\mathrm{logit}\,\lambda + B - A)` (no underflow).

    Args:
        lam (torch.Tensor): ``(N,)`` area ratios.
        dist_a (torch.Tensor): ``(N,)`` distance ``A`` to ``x_a``.
        dist_b (torch.Tensor): ``(N,)`` distance ``B`` to ``x_b``.

    Returns:
        torch.Tensor: ``(N,)`` corrected ratios.
    """
    return torch.sigmoid(torch.logit(lam) + dist_b - dist_a)


def retention_ratio(p_a: torch.Tensor, p_m: torch.Tensor,
                    target: torch.Tensor, index: torch.Tensor,
                    lam: torch.Tensor, eta: float = 1.0,
                    eps: float = 1e-8) -> torch.Tensor:
    r"""Retention form: :math:`\tilde\lambda = \lambda + \eta\,w\,(\rho -
    \lambda)` (module docstring).

    Args:
        p_a (torch.Tensor): ``(N, K)`` clean probabilities (not masked).
        p_m (torch.Tensor): ``(N, K)`` mixed probabilities.
        target (torch.Tensor): ``(N,)`` labels ``y_a``.
        index (torch.Tensor): ``(N,)`` partner permutation.
        lam (torch.Tensor): ``(N,)`` area ratios.
        eta (float): Step towards :math:`\rho`, in ``[0, 1]``.
        eps (float): Guards the divisions.

    Returns:
        torch.Tensor: ``(N,)`` corrected ratios in ``[0, 1]``.
    """
    rows = torch.arange(p_a.size(0), device=p_a.device)
    y_b = target[index]
    clean_a = p_a[rows, target]
    clean_b = p_a[index, y_b]
    r_a = (p_m[rows, target] / clean_a.clamp(min=eps)).clamp(max=1.0)
    r_b = (p_m[rows, y_b] / clean_b.clamp(min=eps)).clamp(max=1.0)
    total = r_a + r_b
    rho = torch.where(total > eps, r_a / total.clamp(min=eps), lam)
    w = torch.minimum(clean_a, clean_b)
    return lam + eta * w * (rho - lam)


def _unmixed_share(mixed: MixOutput, ratio: str, n: int,
                   device) -> Optional[torch.Tensor]:
    """Share ``1`` for a 'no mix' batch (``RandomMixer``: no mask, ``lam =
    1``), None for a masked batch; a mixed batch without a mask (Mixup)
    cannot give a share and is refused."""
    if mixed.mask is not None:
        return None
    if float(torch.as_tensor(mixed.lam).min()) == 1.0:
        return torch.ones(n, device=device)  # all of x_a is kept
    raise ValueError(
        f'SUMixLoss(ratio={ratio!r}) needs a mask-based mixer (BatchCutMix, '
        'BatchFMix, BatchResizeMix, BatchSaliencyMix, BatchGridMix, '
        'BatchSmoothMix); the mixer reported no mask (Mixup): use '
        "ratio='retention' with it")


def class_activation_maps(feats: torch.Tensor, fc_weight: torch.Tensor,
                          labels: torch.Tensor, size: Tuple[int, int],
                          eps: float = 1e-12) -> torch.Tensor:
    r"""CAM of each image for one class, upsampled, summing to 1.

    .. math::
        M_i = \mathrm{up}\big(\max(0, \textstyle\sum_c W_{y_i, c}
        F_{i,c})\big) / \sum \mathrm{up}(\cdot)

    (uniform where the map is all zero).

    Args:
        feats (torch.Tensor): ``(N, C, h, w)`` last backbone feature maps.
        fc_weight (torch.Tensor): ``(K, C)`` classifier weights.
        labels (torch.Tensor): ``(N,)`` class of each map.
        size (tuple[int, int]): Image ``(H, W)``.
        eps (float): Mass below which a map counts as empty.

    Returns:
        torch.Tensor: ``(N, 1, H, W)`` float32 maps, each summing to 1.
    """
    if feats.dim() != 4:
        raise ValueError(
            "SUMixLoss(ratio='cam') needs convolutional feature maps (N, C, "
            f'h, w) from the backbone, got shape {tuple(feats.shape)}; use a '
            "CNN backbone or another ratio ('retention', 'scaled')")
    w = fc_weight.float()[labels]  # (N, C)
    cam = torch.einsum('nchw,nc->nhw', feats.float(), w).clamp(min=0)
    cam = F.interpolate(cam[:, None], size=size, mode='bilinear',
                        align_corners=False).clamp(min=0)
    mass = cam.sum(dim=(1, 2, 3), keepdim=True)
    uniform = torch.full_like(cam, 1.0 / (size[0] * size[1]))
    return torch.where(mass > eps, cam / mass.clamp(min=eps), uniform)


def cam_share(feats: torch.Tensor, fc_weight: torch.Tensor,
              target: torch.Tensor, mixed: MixOutput,
              eps: float = 1e-12) -> torch.Tensor:
    r"""Share of class-activation mass of ``x_a`` in each mixed image.

    With :math:`M_a` the CAM of ``x_a`` for :math:`y_a`, :math:`M_b'` the CAM
    of ``x_b`` for :math:`y_b` placed as the mixer placed ``x_b``, and the
    mixer's mask :math:`m` (share of ``x_b`` per pixel):

    .. math::
        c_a = \sum (1 - m) M_a, \quad c_b = \sum m\,M_b', \quad
        c = \frac{c_a}{c_a + c_b}

    Args:
        feats (torch.Tensor): ``(N, C, h, w)`` clean-batch feature maps.
        fc_weight (torch.Tensor): ``(K, C)`` classifier weights.
        target (torch.Tensor): ``(N,)`` labels ``y_a``.
        mixed (MixOutput): The mixer's output (``mask`` required).
        eps (float): Guards the division.

    Returns:
        torch.Tensor: ``(N,)`` float32 shares in ``[0, 1]``.
    """
    unmixed = _unmixed_share(mixed, 'cam', target.size(0), target.device)
    if unmixed is not None:
        return unmixed
    size = tuple(mixed.inputs.shape[-2:])
    with torch.no_grad():
        cams = class_activation_maps(feats.detach(), fc_weight.detach(),
                                     target, size)
        m = mixed.mask.to(device=cams.device, dtype=torch.float32)
        c_a = ((1 - m) * self_in_mix(mixed, cams)).sum(dim=(1, 2, 3))
        c_b = (m * partner_in_mix(mixed, cams)).sum(dim=(1, 2, 3))
        return c_a / (c_a + c_b).clamp(min=eps)


def saliency_map(inputs: torch.Tensor) -> torch.Tensor:
    """Spectral-residual saliency of each image at the input size.

    Args:
        inputs (torch.Tensor): ``(N, C, H, W)`` images.

    Returns:
        torch.Tensor: ``(N, 1, H, W)`` float32 maps, >= 0.
    """
    sal = spectral_residual_saliency(inputs)[:, None]
    if sal.shape[-2:] != inputs.shape[-2:]:
        sal = F.interpolate(sal, size=inputs.shape[-2:], mode='bilinear',
                            align_corners=False)
    return sal.clamp(min=0)


def saliency_share(inputs: torch.Tensor, mixed: MixOutput) -> torch.Tensor:
    r"""Share of saliency mass of ``x_a`` in each mixed image (no model):
    :func:`~sumix_ext.models.mixers.semantic_share` with the object map
    :func:`saliency_map` of the clean batch.

    Args:
        inputs (torch.Tensor): ``(N, C, H, W)`` clean batch.
        mixed (MixOutput): The mixer's output (``mask`` required).

    Returns:
        torch.Tensor: ``(N,)`` float32 shares in ``[0, 1]``.
    """
    unmixed = _unmixed_share(mixed, 'saliency', inputs.size(0),
                             inputs.device)
    if unmixed is not None:
        return unmixed
    with torch.no_grad():
        return semantic_share(mixed, saliency_map(inputs.detach()))


def check_ratio_args(ratio: str, direction: str, tau: Optional[float],
                     eta: float, blend: float,
                     reg_scale: Optional[float]) -> None:
    """Validate the ratio knobs of :class:`SUMixLoss`; messages say how to
    fix the value."""
    if ratio not in RATIOS:
        raise ValueError(f'SUMixLoss: ratio must be one of {RATIOS}, got '
                         f"{ratio!r}; 'official' is the authors' code")
    if direction not in DIRECTIONS:
        raise ValueError(f'SUMixLoss: direction must be one of {DIRECTIONS}, '
                         f'got {direction!r}')
    for name, value, low, high in (('eta', eta, 0.0, 1.0),
                                   ('blend', blend, 0.0, 1.0)):
        if isinstance(value, bool) or not isinstance(
                value, (int, float)) or not low <= value <= high:
            raise ValueError(f'SUMixLoss: {name} must be a number in '
                             f'[{low}, {high}], got {value!r}')
    for name, value in (('tau', tau), ('reg_scale', reg_scale)):
        if value is not None and (isinstance(value, bool) or not isinstance(
                value, (int, float)) or not math.isfinite(value)
                                  or value < 0):
            raise ValueError(f'SUMixLoss: {name} must be a number >= 0 or '
                             f'None, got {value!r}')
