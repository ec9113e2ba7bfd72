"""The SUMix loss module (Qin et al., ECCV 2024, "SUMix: Mixup with
Semantic and Uncertain Information"), registered in mmpretrain's ``MODELS``;
the maths is the pure :func:`sumix_terms` / :func:`sumix_loss` of
:mod:`.sumix_functional` (re-exported here)."""
import math
import numbers
from typing import Optional

import torch.nn as nn
from mmpretrain.registry import MODELS

from .sumix_functional import (LAM_REDUCTIONS, SUMixTerms,  # noqa: F401
                               sumix_loss, sumix_terms)
from .sumix_ratios import SHARE_RATIOS, check_ratio_args


@MODELS.register_module()
class SUMixLoss(nn.Module):
    r"""Module form of :func:`sumix_loss`, configured from a config file.

    How the clean batch that feeds :math:`z_a, u_a` is run (with gradients,
    or the fast ``no_grad`` variant) is the classifier's business:
    ``MixupClassifier(clean_pass=...)``, see
    :meth:`~sumix_ext.models.classifiers.MixupClassifier.sumix_forward`.

    Besides the loss, every call logs two cheap statistics of the
    correction: ``lam_shift`` = mean :math:`|\tilde\lambda - \lambda|` and
    ``lam_flip`` = share of samples whose majority label flips
    (:math:`(\tilde\lambda - 0.5)(\lambda - 0.5) < 0`).

    Args:
        gamma (float): Weight of the uncertainty regulariser. Defaults to 0.5
            (``0`` switches the regulariser off, an ablation).
        lam_reduction (str): ``'batch'`` (authors' code) or ``'sample'``.
        ratio (str): How ``lam`` is corrected: ``'official'`` (default, the
            authors' code, bit-exact), ``'scaled'``, ``'retention'``,
            ``'cam'`` or ``'saliency'``; see
            :mod:`~sumix_ext.models.losses.sumix_ratios`.
        tau (float, optional): ``'scaled'``: strength per sqrt(K) (the shift
            scale is ``tau * sqrt(K)``). None = 1.
        direction (str): ``'scaled'``: ``'official'`` (the covered source
            gets more weight, as the authors' code) or ``'paper'`` (the
            surviving source gets more weight).
        eta (float): ``'retention'``: step in ``[0, 1]`` towards the
            retention ratio. Defaults to 1.
        blend (float): ``'cam'``, ``'saliency'``: weight in ``[0, 1]`` of
            the area ``lam`` in the result. Defaults to 0 (pure share).
        reg_scale (float, optional): Scale of the distances inside the
            regulariser; None keeps the ratio's (``N`` officially).
        clean_pass: Not a loss setting any more (it moved to
            ``MixupClassifier``); anything but None raises with the fix.
    """

    def __init__(self, gamma: float = 0.5, lam_reduction: str = 'batch',
                 ratio: str = 'official',
                 tau: Optional[float] = None, direction: str = 'official',
                 eta: float = 1.0, blend: float = 0.0,
                 reg_scale: Optional[float] = None,
                 clean_pass: Optional[str] = None):
        super().__init__()
        if clean_pass is not None:
            raise ValueError(
                'SUMixLoss: clean_pass is a setting of the classifier, which '
                "runs the clean batch: use MixupClassifier(clean_pass=...) "
                "(in a config: model.clean_pass='no_grad'); a config's "
                'model.sumix.clean_pass is moved there automatically')
        if isinstance(gamma, bool) or not isinstance(
                gamma, numbers.Real) or not math.isfinite(gamma) or gamma < 0:
            raise ValueError(f'SUMixLoss: gamma must be a finite number >= 0, '
                             f'got {gamma!r}; the paper uses 0.5 or 1.0')
        if lam_reduction not in LAM_REDUCTIONS:
            raise ValueError(f'SUMixLoss: lam_reduction must be one of '
                             f'{LAM_REDUCTIONS}, got {lam_reduction!r}')
        check_ratio_args(ratio, direction, tau, eta, blend, reg_scale)
        self.gamma = float(gamma)
        self.lam_reduction = lam_reduction
        self.ratio = ratio
        self.tau = None if tau is None else float(tau)
        self.direction = direction
        self.eta = float(eta)
        self.blend = float(blend)
        self.reg_scale = None if reg_scale is None else float(reg_scale)

    @property
    def needs_share(self) -> bool:
        """Whether the classifier must pass ``share`` (a semantic share
        estimated from the clean batch: ``'cam'``, ``'saliency'``)."""
        return self.ratio in SHARE_RATIOS

    @property
    def needs_clean_pass(self) -> bool:
        """Whether the loss needs the clean batch's logits and uncertainty:
        always, except the model-free saliency share without the
        regulariser (``ratio='saliency'``, ``gamma=0``): then the
        classifier runs one backbone pass per step, not two."""
        return not (self.ratio == 'saliency' and self.gamma == 0)

    def terms(self, cls_clean, cls_mix, unc_clean, unc_mix, target, lam,
              index, share=None) -> SUMixTerms:
        """:func:`sumix_terms` with this module's settings."""
        return sumix_terms(cls_clean, cls_mix, unc_clean, unc_mix, target,
                           lam, index, self.gamma, self.lam_reduction,
                           ratio=self.ratio, tau=self.tau,
                           direction=self.direction, eta=self.eta,
                           share=share, blend=self.blend,
                           reg_scale=self.reg_scale)

    def forward(self, cls_clean, cls_mix, unc_clean, unc_mix, target, lam,
                index, share=None) -> dict:
        """Return the loss and its logged terms as an MMEngine loss dict."""
        t = self.terms(cls_clean, cls_mix, unc_clean, unc_mix, target, lam,
                       index, share)
        lt, la = t.lam_tilde.detach(), t.lam
        out = dict(
            loss=t.loss,
            lam_tilde=lt.mean(),
            lam_shift=(lt - la).abs().mean(),
            lam_flip=((lt - 0.5) * (la - 0.5) < 0).float().mean())
        if t.reg is not None:  # not computed in the one-pass form
            out['sumix_reg'] = t.reg.detach()
        out.update(ce_a=t.ce_a, ce_b=t.ce_b)
        return out

    def extra_repr(self) -> str:
        return (f'gamma={self.gamma}, lam_reduction={self.lam_reduction!r}, '
                f'ratio={self.ratio!r}, '
                f'tau={self.tau}, direction={self.direction!r}, '
                f'eta={self.eta}, blend={self.blend}, '
                f'reg_scale={self.reg_scale}')
