r"""TransMix (Chen et al., CVPR 2022): Mixup/CutMix labels from a vision
transformer's class-token attention.

Reference: ``Mixup_transmix.transmix_label`` of the authors' repository
(github.com/Beckschen/TransMix, ``transmix.py``) and OpenMixup's port;
re-implemented here vectorised and device-agnostic. The attention itself
is read from mmpretrain's ``VisionTransformer`` by
:class:`~sumix_ext.models.utils.ClassTokenAttention` (a hook, no copied
backbone).
"""
import math
import numbers
from typing import Tuple

import torch
import torch.nn.functional as F
from mmpretrain.registry import BATCH_AUGMENTS

from .base import MixOutput, as_lam_tensor
from .random_mixer import RandomMixer


def _check_share(value, name: str, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not math.isfinite(value) or not 0 <= value <= 1:
        raise ValueError(f'BatchTransMix: {name} must be a number in [0, 1], '
                         f'got {value!r}; {hint}')
    return float(value)


@BATCH_AUGMENTS.register_module()
class BatchTransMix(RandomMixer):
    r"""TransMix's image mixing: timm's batch-wise Mixup/CutMix switch.

    With probability ``prob`` the batch is mixed, by CutMix with
    probability ``switch_prob`` and by Mixup otherwise; an alpha of 0
    switches that mixer off and every mixed batch uses the other one
    (``switch_prob`` is then unused), as in timm's ``Mixup``. The images
    are mixed exactly as :class:`BatchCutMix` / :class:`BatchMixup` do
    (so the ``MixOutput`` carries CutMix's box mask, and SUMix's share
    ratios work on it).

    The TransMix *labels* (:func:`transmix_lam`) need the class token's
    attention of the mixed batch: :class:`~sumix_ext.models.classifiers.
    MixupClassifier` reads it during the (only) forward pass
    (``procedure = 'transmix'``) when ``model.sumix`` is None. In a stock
    ``ImageClassifier`` (``train_cfg.augments``) this mixer labels with the
    area, like mmpretrain's own ``Mixup``/``CutMix``.

    Args:
        mixup_alpha (float): Mixup's Beta concentration; 0 = no Mixup.
            Defaults to 0.8 (DeiT / the authors' configs).
        cutmix_alpha (float): CutMix's Beta concentration; 0 = no CutMix.
            Defaults to 1.0.
        switch_prob (float): Chance of CutMix when both alphas are > 0
            (unused otherwise). Defaults to 0.5 (timm's default, which the
            authors' runs use).
        prob (float): Chance that a batch is mixed at all. Defaults to 1.
        area_weight (float): Weight :math:`r` of the area in the label,
            :math:`\lambda = r\lambda_{area} + (1-r)\lambda_{attn}`.
            Defaults to 0.5 (the authors' code, ``ratio=0.5``); 0 gives the
            paper's pure attention label.
        avoid_self_pair (bool): See :class:`BaseMixer`.
    """

    #: its training procedure (labels from the model): see
    #: :mod:`sumix_ext.models.classifiers.procedures`
    procedure = 'transmix'

    def __init__(self,
                 mixup_alpha: float = 0.8,
                 cutmix_alpha: float = 1.0,
                 switch_prob: float = 0.5,
                 prob: float = 1.0,
                 area_weight: float = 0.5,
                 avoid_self_pair: bool = False):
        alphas = {}
        for name, value in (('mixup_alpha', mixup_alpha),
                            ('cutmix_alpha', cutmix_alpha)):
            if isinstance(value, bool) or not isinstance(
                    value, numbers.Real) or not math.isfinite(value) or \
                    value < 0:
                raise ValueError(
                    f'BatchTransMix: {name} must be a number >= 0 (0 = off)'
                    f', got {value!r}; e.g. {name}=1.0')
            alphas[name] = float(value)
        if alphas['mixup_alpha'] == 0 and alphas['cutmix_alpha'] == 0:
            raise ValueError('BatchTransMix: mixup_alpha and cutmix_alpha are '
                             'both 0, so nothing mixes; set cutmix_alpha > 0 '
                             '(TransMix relabels CutMix-mixed batches)')
        self.switch_prob = _check_share(switch_prob, 'switch_prob',
                                        'e.g. switch_prob=0.5')
        self.prob = _check_share(prob, 'prob', 'e.g. prob=1.0')
        self.area_weight = _check_share(
            area_weight, 'area_weight', 'e.g. area_weight=0.5 (the authors\' '
            'code) or 0 (pure attention)')
        self.mixup_alpha = alphas['mixup_alpha']
        self.cutmix_alpha = alphas['cutmix_alpha']
        # timm's ``Mixup._params_per_batch``: switch_prob picks between the
        # two only when both are on; with one alpha 0 every mixed batch
        # uses the other mixer
        if self.mixup_alpha > 0 and self.cutmix_alpha > 0:
            cut_share = self.switch_prob
        else:
            cut_share = 1.0 if self.cutmix_alpha > 0 else 0.0
        mixers, probs = [], []
        if cut_share < 1:
            mixers.append(dict(type='BatchMixup', alpha=self.mixup_alpha,
                               avoid_self_pair=avoid_self_pair))
            probs.append(self.prob * (1 - cut_share))
        if cut_share > 0:
            mixers.append(dict(type='BatchCutMix', alpha=self.cutmix_alpha,
                               avoid_self_pair=avoid_self_pair))
            probs.append(self.prob * cut_share)
        super().__init__(mixers, probs)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(mixup_alpha={self.mixup_alpha}, '
                f'cutmix_alpha={self.cutmix_alpha}, switch_prob='
                f'{self.switch_prob}, prob={self.prob}, area_weight='
                f'{self.area_weight})')


def token_mask(mask: torch.Tensor, grid: Tuple[int, int]) -> torch.Tensor:
    """A mixer's pixel mask at token resolution, as the authors' code does
    it (``nn.Upsample(size=grid)``: nearest neighbour, then ``int``).

    Args:
        mask (torch.Tensor): ``(N or 1, 1, H, W)`` share of ``x_b`` per
            pixel (``MixOutput.mask``).
        grid (tuple[int, int]): Token grid ``(h, w)`` of the patch
            embedding.

    Returns:
        torch.Tensor: ``(N or 1, h*w)`` float 0/1 token mask (1 = token of
        ``x_b``), in the backbone's token order (row-major).
    """
    small = F.interpolate(mask.float(), size=tuple(grid), mode='nearest')
    return small.int().float().flatten(1)


def transmix_lam(attn: torch.Tensor, out: MixOutput,
                 grid: Tuple[int, int],
                 area_weight: float = 0.5) -> torch.Tensor:
    r"""TransMix's share of ``x_a`` for each mixed sample.

    With the class token's attention :math:`A \in \mathbb{R}^{N\times T}`
    over the :math:`T` patch tokens (last block, heads averaged) and the
    mask :math:`M_\downarrow` of ``x_b``'s tokens:

    .. math::
        \lambda_{attn} = \frac{\sum_t A_t M_{\downarrow t}}{\sum_t A_t},
        \qquad \lambda_b = r\,(1 - \lambda_{area}) + (1-r)\,
        \lambda_{attn}, \qquad \lambda_a = 1 - \lambda_b

    (:math:`r` = ``area_weight``; the authors' code uses 0.5). A batch
    mixed without a mask (Mixup, or not mixed) keeps its ``lam``.

    Args:
        attn (torch.Tensor): ``(N, T)`` class-token attention of the mixed
            batch.
        out (MixOutput): The mixer's output.
        grid (tuple[int, int]): Token grid with ``h * w == T``.
        area_weight (float): :math:`r`.

    Returns:
        torch.Tensor: ``(N,)`` float share of ``x_a`` (label weight of
        ``y_a``; ``y_b`` gets ``1 - lam``).
    """
    n = attn.size(0)
    lam = as_lam_tensor(out.lam, n, attn.device)
    if out.mask is None:
        return lam
    if grid[0] * grid[1] != attn.size(1):
        raise ValueError(f'transmix_lam: the token grid {tuple(grid)} does '
                         f'not match the {attn.size(1)} attention columns')
    m = token_mask(out.mask, grid).to(attn.device).expand(n, -1)
    attn = attn.float()
    w_b = (m * attn).sum(dim=1)
    w_a = ((1 - m) * attn).sum(dim=1)
    lam_attn = w_b / (w_a + w_b)
    lam_b = area_weight * (1 - lam) + (1 - area_weight) * lam_attn
    return 1 - lam_b
