r"""The classifier-side mix of AutoMix/SAMix, as a :class:`MixOutput`.

One training step of :class:`AutoMixClassifier` mixes its batch for the
classifier with the Mix Block's **detached** mask :math:`M_{bb}` (module
docstring of ``automix_classifier``): the momentum encoder's features at
``mask_stage`` feed the Mix Block with :math:`(\lambda, \pi)`, the mask is
rescaled to mean :math:`\lambda` with probability ``mask_adjust`` and is
the constant :math:`\lambda` (plain Mixup) when :math:`\lambda` is within
``lam_margin`` of 0 or 1. The classifier trains with the label
:math:`\lambda` (the drawn ratio), not with the mask's area.

:func:`classifier_mask` is that mask (the training step uses it);
:func:`learned_mix` makes the whole mix outside training, for the gallery
(``tools/visualization/vis_automix.py``) and the ratio fidelity tool, whose
truth follows the mask pixel by pixel.
"""
from typing import Optional, Sequence, Tuple

import numpy as np
import torch

from ..mixers.base import MixOutput
from ..mixers.mask_ops import mix_soft
from ..utils.mix_block import adjust_mask
from .automix_build import stage_features


def mix_with_masks(inputs: torch.Tensor, index: torch.Tensor,
                   mask: torch.Tensor) -> torch.Tensor:
    """``mask[:, 0] x + mask[:, 1] x[index]`` (our soft-mask mix with the
    partner's share ``mask[:, 1]``)."""
    return mix_soft(inputs, index, mask[:, 1:].to(inputs.dtype))


def classifier_mask(model, feats: torch.Tensor, lam: float,
                    index: torch.Tensor, size: Sequence[int],
                    adjust: bool = True) -> torch.Tensor:
    """The classifier's ``(N, 2, H, W)`` mask (no gradient).

    Args:
        model (AutoMixClassifier): The classifier (its ``mix_block``,
            ``mask_adjust`` and ``lam_margin``).
        feats (torch.Tensor): The momentum encoder's ``(N, C, h, w)``
            features at ``mask_stage``.
        lam (float): The drawn share of the image.
        index (torch.Tensor): ``(N,)`` partner permutation.
        size (Sequence[int]): ``(H, W)`` of the images.
        adjust (bool): Apply ``mask_adjust`` as training does (a coin
            drawn with ``np.random``); False: the Mix Block's own mask.

    Returns:
        torch.Tensor: Channel 0 the image's share, channel 1 the partner's.
    """
    with torch.no_grad():
        mask = model.mix_block(feats, lam, index, size)
        if adjust and model.mask_adjust > 0 and \
                np.random.rand() < model.mask_adjust:
            mask = adjust_mask(mask, lam)
        if min(lam, 1 - lam) <= model.lam_margin:
            shares = torch.tensor([lam, 1 - lam], device=feats.device)
            mask = torch.ones_like(mask) * shares.view(1, 2, 1, 1)
    return mask


def learned_mix(model, x: torch.Tensor, lam: Optional[float] = None,
                index: Optional[torch.Tensor] = None,
                adjust: bool = True) -> Tuple[MixOutput, float]:
    r"""Mix ``x`` as the classifier's branch of a training step does.

    Args:
        model (AutoMixClassifier): A (trained) AutoMix/SAMix classifier; its
            current mode is used (``eval()``: the momentum encoder's
            running BatchNorm statistics, where training uses the batch's).
        x (torch.Tensor): ``(N, C, H, W)`` normalised images, ``N >= 2``.
        lam (float, optional): The share of ``x``; None: drawn from
            :math:`\mathrm{Beta}(\alpha, \alpha)` with ``np.random``.
        index (torch.Tensor, optional): ``(N,)`` partners; None: a random
            permutation (``torch`` generator).
        adjust (bool): See :func:`classifier_mask`.

    Returns:
        tuple[MixOutput, float]: The mix (``lam``: the exact per-sample
        share of ``x`` in it, :math:`\mathrm{mean}(M_0)`; ``mask``: the
        partner's share :math:`M_1`) and the label the classifier trains
        with, :math:`\lambda`.
    """
    if x.size(0) < 2:
        raise ValueError(f'learned_mix: batch size {x.size(0)} has no '
                         'partner; give at least 2 images')
    if lam is None:
        lam = float(np.random.beta(model.alpha, model.alpha))
    if index is None:
        index = torch.randperm(x.size(0)).to(x.device)
    with torch.no_grad():
        feats = stage_features(model, x)
        mask = classifier_mask(model, feats, lam, index, x.shape[-2:],
                               adjust)
        inputs = mix_soft(x, index, mask[:, 1:].to(x.dtype))
    return MixOutput(inputs=inputs, index=index,
                     lam=mask[:, 0].mean(dim=(1, 2)), mask=mask[:, 1:]), lam
