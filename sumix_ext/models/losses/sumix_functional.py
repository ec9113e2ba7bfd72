"""The SUMix loss (Qin et al., ECCV 2024, "SUMix: Mixup with Semantic and
Uncertain Information") as pure functions: :func:`sumix_terms` (every term)
and :func:`sumix_loss`; the registered module is
:class:`~sumix_ext.models.losses.SUMixLoss` (``sumix_loss.py``)."""
import math
from typing import NamedTuple, Optional, Tuple, Union

import torch
import torch.nn.functional as F

from ..mixers.base import as_lam_tensor
from .sumix_ratios import (SHARE_RATIOS, check_ratio_args, logit_shift_ratio,
                           retention_ratio, semantic_similarity)

LAM_REDUCTIONS = ('batch', 'sample')


class SUMixTerms(NamedTuple):
    """All terms of one SUMix loss evaluation (for logging and checks).

    Attributes:
        loss: Total loss ``L`` (scalar, with gradient).
        lam_tilde: Corrected ratio per sample ``(N,)`` (no gradient).
        ce_a: ``CE(z_m, y_a)`` batch mean (detached).
        ce_b: ``CE(z_m, y_b)`` batch mean (detached).
        reg: Uncertainty regulariser ``R`` (with gradient); None in the
            one-pass form (``ratio='saliency'``, ``gamma=0``, no clean
            logits), where it is not computed.
        lam: The area ratio per sample ``(N,)`` the correction started from.
    """
    loss: torch.Tensor
    lam_tilde: torch.Tensor
    ce_a: torch.Tensor
    ce_b: torch.Tensor
    reg: torch.Tensor
    lam: Optional[torch.Tensor] = None


def sumix_terms(cls_clean: torch.Tensor,
                cls_mix: torch.Tensor,
                unc_clean: torch.Tensor,
                unc_mix: torch.Tensor,
                target: torch.Tensor,
                lam: Union[float, torch.Tensor],
                index: torch.Tensor,
                gamma: float = 0.5,
                lam_reduction: str = 'batch',
                ratio: str = 'official',
                tau: Optional[float] = None,
                direction: str = 'official',
                eta: float = 1.0,
                share: Optional[torch.Tensor] = None,
                blend: float = 0.0,
                reg_scale: Optional[float] = None) -> SUMixTerms:
    """Compute every term of the SUMix loss; see :func:`sumix_loss`.

    ``cls_clean`` and ``unc_clean`` may be None (no clean pass) only where
    nothing needs them: ``ratio='saliency'`` (a model-free share) with
    ``gamma=0`` (no regulariser); then ``reg`` is None.
    """
    if cls_clean is None or unc_clean is None:
        return _one_pass_terms(cls_mix, target, lam, index, gamma,
                               lam_reduction, ratio, share, blend)
    if lam_reduction not in LAM_REDUCTIONS:
        raise ValueError(f"lam_reduction must be one of {LAM_REDUCTIONS}, got "
                         f"{lam_reduction!r}")
    check_ratio_args(ratio, direction, tau, eta, blend, reg_scale)
    n, k = cls_mix.shape
    device = cls_mix.device
    rows = torch.arange(n, device=device)
    y_a = target
    y_b = target[index]
    lam_t = as_lam_tensor(
        lam.detach() if isinstance(lam, torch.Tensor) else lam, n, device)
    # the distance scale: N in the authors' code, tau*sqrt(K) when 'scaled'
    scale = n if ratio != 'scaled' else (1.0 if tau is None else tau) * \
        math.sqrt(k)

    with torch.no_grad():
        # 1-2: detached probabilities; remove the partner's class.
        p_a = F.softmax(cls_clean.detach().float(), dim=1)
        p_m = F.softmax(cls_mix.detach().float(), dim=1)
        sim_a, sim_b = semantic_similarity(p_a, p_m, y_a, index)
        # 3: semantic distances, scaled (by the batch size: official).
        dist_a = scale * sim_a
        dist_b = scale * sim_b
        # 4: the corrected ratio
        if ratio == 'official' or (ratio == 'scaled'
                                   and direction == 'official'):
            lam_tilde = logit_shift_ratio(lam_t, dist_a[rows, y_a],
                                          dist_b[rows, y_b])
        elif ratio == 'scaled':
            lam_tilde = logit_shift_ratio(lam_t, dist_b[rows, y_b],
                                          dist_a[rows, y_a])
        elif ratio == 'retention':
            lam_tilde = retention_ratio(p_a, p_m, y_a, index, lam_t, eta)
        else:
            if share is None:
                raise ValueError(
                    f"sumix_terms(ratio={ratio!r}) needs share (from "
                    'sumix_ratios.cam_share / saliency_share); '
                    'MixupClassifier.sumix_forward computes it')
            lam_tilde = (1 - blend) * share.detach().float().to(
                device) + blend * lam_t

    # 5: uncertainty regulariser, gradients into both uncertainty outputs.
    if reg_scale is not None:
        dist_a = reg_scale * sim_a
        dist_b = reg_scale * sim_b
    u_a = unc_clean.float()
    u_m = unc_mix.float()
    f_a = torch.exp(-(u_a + u_m + dist_a))
    f_b = torch.exp(-(u_a[index] + u_m + dist_b))
    reg = (lam_t * F.cross_entropy(f_a, y_a, reduction='none')).mean() + (
        (1 - lam_t) * F.cross_entropy(f_b, y_b, reduction='none')).mean()

    # 6: classification with the corrected ratio.
    z_m = cls_mix.float()
    ce_a = F.cross_entropy(z_m, y_a, reduction='none')
    ce_b = F.cross_entropy(z_m, y_b, reduction='none')
    if lam_reduction == 'batch':
        cls = lam_tilde.mean() * ce_a.mean() + (1 - lam_tilde).mean() * \
            ce_b.mean()
    else:
        cls = (lam_tilde * ce_a + (1 - lam_tilde) * ce_b).mean()
    loss = cls + gamma * reg
    return SUMixTerms(loss, lam_tilde, ce_a.detach().mean(),
                      ce_b.detach().mean(), reg, lam_t)


def _one_pass_terms(cls_mix, target, lam, index, gamma, lam_reduction,
                    ratio, share, blend) -> SUMixTerms:
    """The SUMix terms without a clean pass (see :func:`sumix_terms`): the
    same maths as the two-pass form with ``gamma=0``, where the clean logits
    only fed terms weighted by zero."""
    if ratio != 'saliency' or gamma != 0:
        raise ValueError(
            'sumix_terms: the clean logits are needed unless '
            f"ratio='saliency' and gamma=0 (got ratio={ratio!r}, "
            f'gamma={gamma}); run the clean batch (MixupClassifier does so '
            'whenever the loss needs it)')
    if lam_reduction not in LAM_REDUCTIONS:
        raise ValueError(f"lam_reduction must be one of {LAM_REDUCTIONS}, got "
                         f"{lam_reduction!r}")
    if share is None:
        raise ValueError("sumix_terms(ratio='saliency') needs share (from "
                         'sumix_ratios.saliency_share)')
    n = cls_mix.size(0)
    lam_t = as_lam_tensor(
        lam.detach() if isinstance(lam, torch.Tensor) else lam, n,
        cls_mix.device)
    lam_tilde = (1 - blend) * share.detach().float().to(
        cls_mix.device) + blend * lam_t
    z_m = cls_mix.float()
    ce_a = F.cross_entropy(z_m, target, reduction='none')
    ce_b = F.cross_entropy(z_m, target[index], reduction='none')
    if lam_reduction == 'batch':
        cls = lam_tilde.mean() * ce_a.mean() + (1 - lam_tilde).mean() * \
            ce_b.mean()
    else:
        cls = (lam_tilde * ce_a + (1 - lam_tilde) * ce_b).mean()
    return SUMixTerms(cls, lam_tilde, ce_a.detach().mean(),
                      ce_b.detach().mean(), None, lam_t)


def sumix_loss(cls_clean: torch.Tensor,
               cls_mix: torch.Tensor,
               unc_clean: torch.Tensor,
               unc_mix: torch.Tensor,
               target: torch.Tensor,
               lam: Union[float, torch.Tensor],
               index: torch.Tensor,
               gamma: float = 0.5,
               lam_reduction: str = 'batch',
               **ratio_kwargs) -> Tuple[torch.Tensor, torch.Tensor]:
    r"""SUMix loss: mixup cross-entropy with a corrected ratio plus an
    uncertainty regulariser. Pure, vectorised and device-agnostic.

    Notation: :math:`z_a` = ``cls_clean``, :math:`z_m` = ``cls_mix``
    (:math:`N \times K` logits of the clean and mixed batch),
    :math:`u_a, u_m` the uncertainty outputs, :math:`y_a` = ``target``,
    :math:`\pi` = ``index``, :math:`y_b = y_a[\pi]`, :math:`\lambda` = ``lam``.

    1. :math:`p_a = \mathrm{softmax}(z_a)`, :math:`p_m = \mathrm{softmax}(z_m)`
       (detached), :math:`p_b = p_a[\pi]`.
    2. On copies, :math:`p_a[i, y_b[i]] = 0` and :math:`p_b[i, y_a[i]] = 0`.
    3. :math:`A = N\,\mathrm{rownorm}_{L2}(\mathrm{softmax}(p_m - p_a))`,
       :math:`B = N\,\mathrm{rownorm}_{L2}(\mathrm{softmax}(p_m - p_b))`.
    4. :math:`s_a[i] = e^{-A[i, y_a[i]]}`, :math:`s_b[i] = e^{-B[i, y_b[i]]}`,
       :math:`\tilde\lambda_i = \frac{\lambda s_a[i]}{\lambda s_a[i] +
       (1-\lambda) s_b[i]}` (no gradient; computed as
       :math:`\sigma(\mathrm{logit}\,\lambda + B_{i,y_b} - A_{i,y_a})`, the
       same value without underflow).
    5. :math:`F_a = e^{-(u_a + u_m + A)}`,
       :math:`F_b = e^{-(u_a[\pi] + u_m + B)}`,
       :math:`R = \lambda\,CE(F_a, y_a) + (1-\lambda)\,CE(F_b, y_b)` with
       CE the batch-mean softmax cross-entropy taking :math:`F` as logits.
    6. ``lam_reduction='batch'`` (the authors' code):
       :math:`L = \overline{\tilde\lambda}\,CE(z_m, y_a) +
       \overline{1-\tilde\lambda}\,CE(z_m, y_b) + \gamma R`;
       ``'sample'`` (the paper's text):
       :math:`L = \frac1N\sum_i[\tilde\lambda_i ce_i(z_m, y_a) +
       (1-\tilde\lambda_i) ce_i(z_m, y_b)] + \gamma R`.

    A per-sample ``lam`` tensor ``(N,)`` is accepted too (mixers whose exact
    share differs per sample); then :math:`\lambda` is per sample in 4 and 5.

    Steps 1-6 are the authors' code (``ratio='official'``, the default, kept
    to 1e-6 of it). The other ratio forms replace step 4 (and the scale of
    step 3), see :mod:`~sumix_ext.models.losses.sumix_ratios`:

    * ``ratio='scaled'``: scale :math:`\tau\sqrt K` instead of :math:`N`
      in 3 (and 5); in 4 :math:`\tilde\lambda = \sigma(\mathrm{logit}
      \lambda + d\,(A_{i,y_a} - B_{i,y_b}))` with :math:`d = -1`
      (``direction='official'``) or :math:`+1` (``'paper'``).
    * ``ratio='retention'``: :math:`\tilde\lambda = \lambda + \eta\,w
      (\rho - \lambda)` from how much of each clean class probability the
      mixed prediction retains.
    * ``ratio='cam'``: :math:`\tilde\lambda = (1-\beta) c + \beta\lambda`
      with ``share`` :math:`c` the share of class activation mass of
      ``x_a`` that survives the mask; ``ratio='saliency'``: the same with
      the share of saliency mass (no model).
    * ``reg_scale``: the scale of :math:`A, B` inside :math:`R` (5) only;
      None keeps the ratio's scale (:math:`N` for the official form, where
      :math:`F \approx e^{-N/\sqrt K}` and :math:`R` has almost no
      gradient).

    Args:
        cls_clean (torch.Tensor): ``(N, K)`` class logits of the clean batch.
        cls_mix (torch.Tensor): ``(N, K)`` class logits of the mixed batch.
        unc_clean (torch.Tensor): ``(N, K)`` uncertainty of the clean batch.
        unc_mix (torch.Tensor): ``(N, K)`` uncertainty of the mixed batch.
        target (torch.Tensor): ``(N,)`` labels ``y_a``.
        lam (float | torch.Tensor): Share of ``x_a`` in the mixed batch.
        index (torch.Tensor): ``(N,)`` permutation, ``x_b = x_a[index]``.
        gamma (float): Weight of the regulariser ``R``. Defaults to 0.5.
        lam_reduction (str): ``'batch'`` or ``'sample'``.
        **ratio_kwargs: ``ratio`` (``'official'``, ``'scaled'``,
            ``'retention'``, ``'cam'``, ``'saliency'``), ``tau``
            (``'scaled'``; None = 1), ``direction`` (``'official'`` or
            ``'paper'``), ``eta`` (``'retention'``, default 1), ``share``
            and ``blend``
            (``'cam'``, ``'saliency'``), ``reg_scale``.

    Returns:
        tuple: ``(loss, lam_tilde)``: the scalar loss and the ``(N,)``
        corrected ratios.
    """
    terms = sumix_terms(cls_clean, cls_mix, unc_clean, unc_mix, target, lam,
                        index, gamma, lam_reduction, **ratio_kwargs)
    return terms.loss, terms.lam_tilde
