r"""DecoupleMix (Liu et al., NeurIPS 2023, "Harnessing Hard Mixed Samples
with Decoupled Regularizer"): the mixup cross-entropy plus a decoupled term
that asks each mixed class to win *without* competing against the other.

Reference: OpenMixup (the authors' framework), ``soft_mix_cross_entropy``
(``openmixup/models/losses/cross_entropy_loss.py``, ``use_mix_decouple``)
and the ``eta_weight`` / ``lam_scale_mode`` logic of ``ClsMixupHead.loss``
(``openmixup/models/heads/cls_mixup_head.py``); re-implemented vectorised,
per sample (``lam`` may be a ``(N,)`` tensor). Defaults: OpenMixup's CIFAR
DecoupleMix configs (``eta=0.1, mode='both', thr=0.5``, ``lam_scale_mode=
'pow', lam_thr=1, lam_idx=1``).
"""
import math
from typing import Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from ..mixers.base import as_lam_tensor

MODES = ('both', 'less', 'more')
LAM_SCALE_MODES = ('none', 'pow', 'exp')


def lambda_adjust(w: torch.Tensor, mode: str = 'pow', thr: float = 1.0,
                  idx: float = 1.0) -> torch.Tensor:
    r"""OpenMixup's rescaling of a label weight :math:`w` (``lambda_adjust``):
    1 where :math:`w \ge` ``thr``, else

    .. math::
        \mathrm{pow}:\ \mathrm{thr}^{-|k|} w^{|k|}, \qquad
        \mathrm{exp}:\ \frac{|k|^{2w - 2\,\mathrm{thr}} - b}{1 - b},\
        b = |k|^{-2\,\mathrm{thr}}

    with :math:`k` = ``idx`` (``mode='none'``: :math:`w` unchanged).
    """
    k = abs(float(idx))
    if mode == 'none':
        return w
    if mode == 'pow':
        scaled = thr ** (-k) * w.clamp(min=0) ** k
    else:  # 'exp'
        b = k ** (-thr * 2)
        scaled = (k ** (w - thr * 2) * k ** w - b) / (1 - b)
    return torch.where(w >= thr, torch.ones_like(w), scaled)


def eta_weights(lam: torch.Tensor, eta: float, mode: str, thr: float,
                lam_scale_mode: str, lam_thr: float, lam_idx: float
                ) -> Tuple[torch.Tensor, torch.Tensor]:
    r"""Weights :math:`(w_a, w_b)` of the two decoupled terms (OpenMixup's
    ``eta_weight``): ``'both'`` weights both components; ``'less'`` only
    ``x_a``'s when :math:`\lambda <` ``thr``, else only ``x_b``'s;
    ``'more'`` the opposite. A weighted component gets ``eta`` times
    :func:`lambda_adjust` of its label weight (:math:`\lambda` or
    :math:`1-\lambda`), or ``eta`` itself with ``lam_scale_mode='none'``.
    """
    on_a = torch.ones_like(lam, dtype=torch.bool)
    on_b = torch.ones_like(lam, dtype=torch.bool)
    if mode == 'less':
        on_a, on_b = lam < thr, lam >= thr
    elif mode == 'more':
        on_a, on_b = lam >= thr, lam < thr
    if lam_scale_mode == 'none':
        w_a = torch.full_like(lam, eta)
        w_b = torch.full_like(lam, eta)
    else:
        w_a = eta * lambda_adjust(lam, lam_scale_mode, lam_thr, lam_idx)
        w_b = eta * lambda_adjust(1 - lam, lam_scale_mode, lam_thr, lam_idx)
    zero = torch.zeros_like(lam)
    return torch.where(on_a, w_a, zero), torch.where(on_b, w_b, zero)


def decouple_mix_loss(logits: torch.Tensor, y_a: torch.Tensor,
                      y_b: torch.Tensor, lam: Union[float, torch.Tensor],
                      eta: float = 0.1, mode: str = 'both', thr: float = 0.5,
                      lam_scale_mode: str = 'pow', lam_thr: float = 1.0,
                      lam_idx: float = 1.0, eps: float = 1e-3
                      ) -> torch.Tensor:
    r"""The DecoupleMix loss of a mixed batch.

    With :math:`p = \mathrm{softmax}(z)` and the decoupled softmax that
    leaves the *other* mixed class out,

    .. math::
        g_a = -\log \frac{e^{z_{y_a}}}{\sum_{c \ne y_b} e^{z_c}}, \qquad
        g_b = -\log \frac{e^{z_{y_b}}}{\sum_{c \ne y_a} e^{z_c}},

    each sample's loss is

    .. math::
        \ell = -\lambda \log p_{y_a} - (1-\lambda) \log p_{y_b}
               + w_a g_a + w_b g_b

    (:func:`eta_weights`), averaged over the batch. A sample whose label
    has one class only (:math:`y_a = y_b`, or a weight :math:`\le` ``eps``)
    gets the plain soft cross-entropy, as in OpenMixup; so does
    :math:`\lambda = 0.5` exactly (OpenMixup skips the decoupled term when
    the two label weights are equal, its "trivial solution").

    Where OpenMixup differs from its own intent, followed here: it pairs the
    weights ``[w_a, w_b]`` with the mixed classes in class-index order of
    the batch's first mixed row, so :math:`w_a` lands on :math:`g_b` when
    that row has :math:`y_b < y_a`; here :math:`w_a` always weights
    :math:`g_a` (identical whenever :math:`w_a = w_b`, e.g.
    ``lam_scale_mode='none'`` with ``mode='both'``).

    Args:
        logits (torch.Tensor): ``(N, K)`` logits of the mixed batch.
        y_a (torch.Tensor): ``(N,)`` labels of ``x_a``.
        y_b (torch.Tensor): ``(N,)`` labels of ``x_b``.
        lam (float | torch.Tensor): Share of ``x_a``, scalar or ``(N,)``.
        eta (float): Weight of the decoupled terms (0: the mixup CE).
        mode (str): ``'both'``, ``'less'`` or ``'more'``.
        thr (float): The ``'less'`` / ``'more'`` threshold on ``lam``.
        lam_scale_mode (str): ``'none'``, ``'pow'`` or ``'exp'``.
        lam_thr (float): :func:`lambda_adjust`'s threshold.
        lam_idx (float): :func:`lambda_adjust`'s exponent.
        eps (float): A label weight at or below it is not a mixed class.

    Returns:
        torch.Tensor: Scalar loss.
    """
    z = logits.float()
    n = z.size(0)
    lam = as_lam_tensor(lam, n, z.device).float()
    logp = F.log_softmax(z, dim=1)
    rows = torch.arange(n, device=z.device)
    local = -(lam * logp[rows, y_a] + (1 - lam) * logp[rows, y_b])
    two_hot = (y_a != y_b) & (lam > eps) & (1 - lam > eps) & (
        lam != 1 - lam)
    w_a, w_b = eta_weights(lam, eta, mode, thr, lam_scale_mode, lam_thr,
                           lam_idx)
    without_b = z.scatter(1, y_b[:, None], float('-inf'))
    without_a = z.scatter(1, y_a[:, None], float('-inf'))
    g_a = torch.logsumexp(without_b, dim=1) - z[rows, y_a]
    g_b = torch.logsumexp(without_a, dim=1) - z[rows, y_b]
    extra = torch.where(two_hot, w_a * g_a + w_b * g_b,
                        torch.zeros_like(local))
    return (local + extra).mean()


@MODELS.register_module()
class DecoupleMixLoss(nn.Module):
    """The DecoupleMix loss as the classifier's mixed-label loss
    (``model.mix_loss``); see :func:`decouple_mix_loss` for the maths and
    the arguments. It replaces the mixup cross-entropy for every mixer and
    every procedure that trains with it (not with SUMix, whose loss is also
    a mixed-label loss: refused at build; not with SnapMix's own label
    weights).
    """

    def __init__(self, eta: float = 0.1, mode: str = 'both',
                 thr: float = 0.5, lam_scale_mode: str = 'pow',
                 lam_thr: float = 1.0, lam_idx: float = 1.0,
                 eps: float = 1e-3):
        super().__init__()
        for name, value in (('eta', eta), ('thr', thr), ('lam_thr', lam_thr),
                            ('lam_idx', lam_idx), ('eps', eps)):
            if isinstance(value, bool) or not isinstance(
                    value, (int, float)) or not math.isfinite(value):
                raise ValueError(f'DecoupleMixLoss: {name} must be a finite '
                                 f'number, got {value!r}')
        if mode not in MODES:
            raise ValueError(f'DecoupleMixLoss: mode must be one of {MODES},'
                             f' got {mode!r}')
        if lam_scale_mode not in LAM_SCALE_MODES:
            raise ValueError('DecoupleMixLoss: lam_scale_mode must be one of '
                             f'{LAM_SCALE_MODES}, got {lam_scale_mode!r}')
        if eta < 0:
            raise ValueError(f'DecoupleMixLoss: eta must be >= 0, got {eta};'
                             ' e.g. eta=0.1 (OpenMixup CIFAR), 0 = mixup CE')
        if not 0 <= thr <= 1 or not 0 < lam_thr <= 1:
            raise ValueError('DecoupleMixLoss: thr must lie in [0, 1] and '
                             f'lam_thr in (0, 1], got thr={thr}, lam_thr='
                             f'{lam_thr}')
        if lam_scale_mode == 'exp' and abs(lam_idx) in (0.0, 1.0):
            raise ValueError("DecoupleMixLoss: lam_scale_mode='exp' needs "
                             f'|lam_idx| not 0 or 1, got {lam_idx}')
        self.eta, self.mode, self.thr = float(eta), mode, float(thr)
        self.lam_scale_mode = lam_scale_mode
        self.lam_thr, self.lam_idx = float(lam_thr), float(lam_idx)
        self.eps = float(eps)

    def forward(self, logits: torch.Tensor, y_a: torch.Tensor,
                y_b: torch.Tensor, lam) -> torch.Tensor:
        return decouple_mix_loss(logits, y_a, y_b, lam, self.eta, self.mode,
                                 self.thr, self.lam_scale_mode, self.lam_thr,
                                 self.lam_idx, self.eps)
