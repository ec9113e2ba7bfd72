r"""AlignMix (Venkataramanan et al., CVPR 2022, "AlignMixup: Improving
Representations By Interpolating Aligned Features").

Reference: ``mixup_aligned``, ``Resnet_classifier.forward`` and
``utils/OT.py`` (``SinkhornDistance``) of the authors' repository
(github.com/shashankvkt/AlignMixup_CVPR22, ``cifar10_100/``), and
OpenMixup's port (``openmixup/models/augments/alignmix.py``). The
last-stage feature maps ``A = F(x_a)``, ``A' = F(x_b)`` (``C x P``, ``P =
h w`` positions) are matched by entropic optimal transport (Sinkhorn, cost
the squared Euclidean distance between positions' feature vectors, uniform
marginals), giving the assignment matrix ``R = P pi`` (``P x P``), and

* direction 0: ``lam A + (1 - lam) A' R^T`` (``x_b``'s features moved to
  ``x_a``'s positions),
* direction 1: ``lam A R + (1 - lam) A'`` (``x_a``'s features moved to
  ``x_b``'s positions),

one of the two drawn per step; the label is ``lam y_a + (1 - lam) y_b``.
As the authors' training loop, a step is this feature alignment with
probability ``1 - input_mix_prob`` and an input Mixup (same ``lam``)
otherwise.

This file holds the pure maths and the draws; the hook that applies them
to the backbone's output is the classifier's training procedure
(:mod:`sumix_ext.models.classifiers.procedures.alignmix`).
"""
import math
import numbers

import numpy as np
import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import MixOutput
from .manifoldmix import HiddenStateMixer, manifold_mix


def squared_distances(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""``C[n, i, j] = |x[n, i] - y[n, j]|^2`` for ``x (N, P, D)``, ``y (N,
    Q, D)`` (the authors' ``_cost_matrix`` with ``p = 2``), computed as
    :math:`|x|^2 + |y|^2 - 2 x y^\top` (no ``N x P x Q x D`` tensor),
    clamped at 0."""
    sq = (x * x).sum(-1)[:, :, None] + (y * y).sum(-1)[:, None, :]
    return (sq - 2 * torch.bmm(x, y.transpose(1, 2))).clamp_(min=0)


def sinkhorn_plan(x: torch.Tensor, y: torch.Tensor, eps: float = 0.1,
                  max_iter: int = 100, thresh: float = 0.1) -> torch.Tensor:
    r"""Entropic optimal-transport plan between two point clouds with
    uniform marginals (the authors' ``SinkhornDistance.forward``, log
    domain, in float32 without autocast and without gradient).

    With cost :math:`C` (:func:`squared_distances`), :math:`\mu = 1/P`,
    :math:`\nu = 1/Q`, :math:`M(u, v)_{ij} = (-C_{ij} + u_i + v_j) /
    \varepsilon`, from :math:`u = v = 0` repeat

    .. math::
        u \leftarrow \varepsilon(\log(\mu + 10^{-8}) -
        \mathrm{logsumexp}_j M(u, v)) + u,\quad
        v \leftarrow \varepsilon(\log(\nu + 10^{-8}) -
        \mathrm{logsumexp}_i M(u, v)) + v

    until ``max_iter`` or the batch mean of :math:`\sum_i |\Delta u_i|`
    falls below ``thresh``; the plan is :math:`\pi = \exp M(u, v)`. Its
    columns sum to :math:`\nu` (up to the :math:`10^{-8}`), its rows to
    :math:`\mu` once converged.

    Args:
        x (torch.Tensor): ``(N, P, D)`` points (positions x features).
        y (torch.Tensor): ``(N, Q, D)`` points.
        eps (float): Entropic regularisation :math:`\varepsilon`.
        max_iter (int): Most iterations.
        thresh (float): Stopping threshold on the change of :math:`u`.

    Returns:
        torch.Tensor: ``(N, P, Q)`` float32 plan.
    """
    with torch.no_grad(), torch.autocast(x.device.type, enabled=False):
        cost = squared_distances(x.detach().float(), y.detach().float())
        n, p, q = cost.shape
        log_mu = math.log(1.0 / p + 1e-8)
        log_nu = math.log(1.0 / q + 1e-8)
        u = cost.new_zeros(n, p)
        v = cost.new_zeros(n, q)

        def m(u, v):
            return (-cost + u[:, :, None] + v[:, None, :]) / eps

        for _ in range(max_iter):
            u_prev = u
            u = eps * (log_mu - torch.logsumexp(m(u, v), dim=-1)) + u
            v = eps * (log_nu - torch.logsumexp(m(u, v), dim=-2)) + v
            if float((u - u_prev).abs().sum(-1).mean()) < thresh:
                break
        return torch.exp(m(u, v))


def alignment(feat_a: torch.Tensor, feat_b: torch.Tensor, eps: float = 0.1,
              max_iter: int = 100, thresh: float = 0.1) -> torch.Tensor:
    """The assignment matrix ``R = h w * pi`` (``(N, hw, hw)``, float32, no
    gradient) matching the positions of ``feat_a`` (rows) to those of
    ``feat_b`` (columns), from ``(N, C, h, w)`` feature maps; its columns
    sum to 1 (rows too, once converged). See :func:`sinkhorn_plan`."""
    a = feat_a.flatten(2).transpose(1, 2)
    b = feat_b.flatten(2).transpose(1, 2)
    return sinkhorn_plan(a, b, eps, max_iter, thresh) * a.size(1)


def align_mix(feat_a: torch.Tensor, feat_b: torch.Tensor, lam: float,
              plan: torch.Tensor, direction: int) -> torch.Tensor:
    r"""Interpolate aligned feature maps (the authors' ``mixup_aligned``
    after the plan): with :math:`A, A'` the ``(C, hw)`` maps of ``x_a``,
    ``x_b`` and :math:`R` the assignment matrix (:func:`alignment`),

    * ``direction=0``: :math:`\lambda A + (1-\lambda) A' R^\top`,
    * ``direction=1``: :math:`\lambda A R + (1-\lambda) A'`.

    Args:
        feat_a (torch.Tensor): ``(N, C, h, w)`` maps of ``x_a``.
        feat_b (torch.Tensor): ``(N, C, h, w)`` maps of ``x_b``.
        lam (float): Weight of ``x_a`` (and of ``y_a`` in the label).
        plan (torch.Tensor): ``(N, hw, hw)`` assignment matrix ``R``.
        direction (int): 0 or 1, as above.

    Returns:
        torch.Tensor: ``(N, C, h, w)`` mixed maps (gradients flow to both
        inputs; none to the plan).
    """
    if direction not in (0, 1):
        raise ValueError(f'align_mix: direction must be 0 or 1, got '
                         f'{direction!r}')
    shape = feat_a.shape
    a, b = feat_a.flatten(2), feat_b.flatten(2)
    plan = plan.to(a.dtype)
    if direction == 0:
        mixed = lam * a + (1 - lam) * torch.matmul(b, plan.transpose(1, 2))
    else:
        mixed = lam * torch.matmul(a, plan) + (1 - lam) * b
    return mixed.reshape(shape)


def _positive(value, name: str, hint: str, integer: bool = False):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) \
        and math.isfinite(value) and value > 0
    if integer:
        ok = ok and isinstance(value, numbers.Integral)
    if not ok:
        raise ValueError(f'BatchAlignMix: {name} must be a '
                         f"{'whole ' if integer else ''}number > 0, got "
                         f'{value!r}; {hint}')
    return int(value) if integer else float(value)


@BATCH_AUGMENTS.register_module()
class BatchAlignMix(HiddenStateMixer):
    r"""AlignMix: interpolation of the last feature maps after aligning
    them by optimal transport (or, on some steps, an input Mixup).

    Per step: ``lam ~ Beta(alpha, alpha)`` and a partner permutation; with
    probability ``input_mix_prob`` the images are mixed (Mixup), else the
    backbone's last ``(N, C, h, w)`` maps are replaced by
    :func:`align_mix` (direction 0 or 1 with equal chance) of the plan
    :func:`alignment`; the label is ``lam y_a + (1 - lam) y_b`` either way.
    :class:`~sumix_ext.models.classifiers.MixupClassifier` runs it with a
    forward hook on the backbone (``procedure = 'alignmix'``). Not with
    SUMix (refused at build).

    Called directly, ``mixer(x)`` is the input branch (a Mixup of ``x``);
    the batch-augment form ``mixer(x, score)`` is refused.

    Args:
        alpha (float): Beta concentration. Defaults to 2.0 (the authors'
            CIFAR and Tiny-ImageNet runs; OpenMixup's configs).
        eps (float): Sinkhorn regularisation. Defaults to 0.1 (authors).
        max_iter (int): Most Sinkhorn iterations. Defaults to 100.
        thresh (float): Sinkhorn stopping threshold on the change of the
            dual ``u``. Defaults to 0.1 (hard-coded by the authors).
        input_mix_prob (float): Chance of the input-Mixup step. Defaults to
            0.5 (the authors' ``layer_mix = random.randint(0, 1)``); 0 is
            OpenMixup's ``alignmix`` mode (alignment only).
        avoid_self_pair (bool): See
            :class:`~sumix_ext.models.mixers.BaseMixer`.
    """

    #: its training procedure (mixes inside the model): see
    #: :mod:`sumix_ext.models.classifiers.procedures`
    procedure = 'alignmix'
    #: what it mixes is a hidden state, not an image (no picture, no
    #: object-mask label to check)
    mixes_hidden_states = True
    inside = 'aligns feature maps'

    def __init__(self, alpha: float = 2.0, eps: float = 0.1,
                 max_iter: int = 100, thresh: float = 0.1,
                 input_mix_prob: float = 0.5,
                 avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        self.eps = _positive(eps, 'eps', 'e.g. eps=0.1 (the authors)')
        self.max_iter = _positive(max_iter, 'max_iter', 'e.g. max_iter=100',
                                  integer=True)
        if isinstance(thresh, bool) or not isinstance(
                thresh, numbers.Real) or not math.isfinite(thresh) or \
                thresh < 0:
            raise ValueError(f'BatchAlignMix: thresh must be a number >= 0, '
                             f'got {thresh!r}; e.g. thresh=0.1 (the authors)')
        self.thresh = float(thresh)
        if isinstance(input_mix_prob, bool) or not isinstance(
                input_mix_prob, numbers.Real) or \
                not 0 <= input_mix_prob <= 1:
            raise ValueError(
                'BatchAlignMix: input_mix_prob must be a number in [0, 1], '
                f'got {input_mix_prob!r}; e.g. 0.5 (the authors) or 0 '
                '(alignment on every step)')
        self.input_mix_prob = float(input_mix_prob)

    def sample_input_step(self) -> bool:
        """Whether this step mixes the images (numpy's global RNG)."""
        return bool(np.random.rand() < self.input_mix_prob)

    def sample_direction(self) -> int:
        """0 or 1 with equal chance (the authors' ``align_mix``)."""
        return int(np.random.randint(2))

    def align(self, feats: torch.Tensor, lam: float, index: torch.Tensor,
              direction: int) -> torch.Tensor:
        """AlignMix of ``(N, C, h, w)`` maps with their partners
        ``feats[index]``: :func:`alignment` then :func:`align_mix`."""
        if not isinstance(feats, torch.Tensor) or feats.dim() != 4:
            shape = tuple(feats.shape) if isinstance(
                feats, torch.Tensor) else type(feats).__name__
            raise ValueError(
                'BatchAlignMix aligns (N, C, h, w) feature maps, but the '
                f'backbone gave {shape}; use a CNN backbone (ResNet, '
                'ResNeXt, WideResNet_CIFAR) or another mixer')
        partner = feats[index]
        plan = alignment(feats, partner, self.eps, self.max_iter,
                         self.thresh)
        return align_mix(feats, partner, lam, plan, direction)

    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        """The input branch: a Mixup of ``inputs`` (exact ``lam``)."""
        return MixOutput(manifold_mix(inputs, lam, index), index, float(lam))

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, eps={self.eps}, '
                f'max_iter={self.max_iter}, thresh={self.thresh}, '
                f'input_mix_prob={self.input_mix_prob}, avoid_self_pair='
                f'{self.avoid_self_pair})')
