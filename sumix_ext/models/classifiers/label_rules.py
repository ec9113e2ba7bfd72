r"""The training losses of :class:`MixupClassifier` without SUMix: the
mixed-label cross-entropy and the two published label rules that read the
model (SnapMix: class activation maps of the clean batch; TransMix: the
class token's attention of the mixed batch).

Each function takes the classifier as its first argument and returns the
loss dict of ``MixupClassifier.loss``.
"""
from typing import List

import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from ..losses import mixup_cross_entropy
from ..mixers import (as_lam_tensor, mix_scores, semantic_percent_map,
                      snapmix_ratios, transmix_lam)
from ..utils import ClassTokenAttention


def mixed_label_loss(model, logits: torch.Tensor, target: torch.Tensor,
                     index: torch.Tensor, lam) -> torch.Tensor:
    r"""Cross-entropy against :math:`\lambda y_a + (1-\lambda) y_b`
    (``lam`` a float or ``(N,)``): computed directly for the plain
    cross-entropy, else the head's own loss (e.g. ``LabelSmoothLoss`` of an
    mmpretrain recipe) on the mixed soft targets, as mmpretrain does for its
    batch augments."""
    if model._head_loss_is_plain_ce():
        return mixup_cross_entropy(logits, target, target[index], lam)
    onehot = F.one_hot(target, logits.size(1)).float()
    return model.head.loss_module(logits, mix_scores(onehot, index, lam),
                                  avg_factor=logits.size(0))


def snapmix_loss(model, inputs: torch.Tensor,
                 data_samples: List[DataSample],
                 target: torch.Tensor) -> dict:
    r"""SnapMix: the clean batch's semantic percent maps from the current
    model (train mode, no gradient, as the authors' code), the mix, and
    :math:`\rho_a\,\mathrm{CE}(z, y_a) + \rho_b\,\mathrm{CE}(z, y_b)` with
    :func:`~sumix_ext.models.mixers.snapmix_ratios` (not normalised to sum
    1)."""
    fc = getattr(model.head, 'fc', None)
    if not isinstance(fc, torch.nn.Linear):
        raise ValueError(
            'MixupClassifier: BatchSnapMix labels from class activation '
            'maps, which need a linear head (LinearClsHead / SUMixHead '
            f'with .fc), got {type(model.head).__name__}')
    with torch.no_grad():
        maps = model.backbone(inputs)[-1]
        if maps.dim() != 4:
            raise ValueError(
                'MixupClassifier: BatchSnapMix needs (N, C, h, w) feature '
                f'maps from the backbone, got {tuple(maps.shape)}; use a '
                'CNN backbone (ResNet, ResNeXt, ...) or BatchTransMix for a '
                'vision transformer')
        spm = semantic_percent_map(maps, fc.weight, fc.bias, target,
                                   tuple(inputs.shape[-2:]))
    mixed = model.mix(inputs, data_samples)
    rho_a, rho_b = snapmix_ratios(spm, mixed, target)
    logits = model.head(model.extract_feat(
        model._memory_format(mixed.inputs)))
    ce_a = F.cross_entropy(logits.float(), target, reduction='none')
    ce_b = F.cross_entropy(logits.float(), target[mixed.index],
                           reduction='none')
    loss = (rho_a * ce_a + rho_b * ce_b).mean()
    return dict(loss=loss, lam=torch.tensor(float(mixed.lam)),
                rho_a=rho_a.mean(), rho_b=rho_b.mean())


def transmix_loss(model, inputs: torch.Tensor,
                  data_samples: List[DataSample],
                  target: torch.Tensor) -> dict:
    r"""TransMix: one forward pass of the mixed batch, during which the
    class token's attention of the last block is read
    (:class:`~sumix_ext.models.utils.ClassTokenAttention`); CutMix-mixed
    batches are labelled with :func:`~sumix_ext.models.mixers.transmix_lam`,
    Mixup-mixed ones keep ``lam``; the loss is the mixed-label
    cross-entropy (:func:`mixed_label_loss`, so the head's label smoothing
    applies as in the authors' soft-target loss)."""
    probe = ClassTokenAttention(model.backbone)
    mixed = model.mix(inputs, data_samples)
    with probe:
        logits = model.head(model.extract_feat(mixed.inputs))
    lam = transmix_lam(probe.attention, mixed, probe.grid,
                       model.mixer.area_weight)
    loss = mixed_label_loss(model, logits, target, mixed.index, lam)
    area = as_lam_tensor(mixed.lam, inputs.size(0), inputs.device)
    return dict(loss=loss, lam=area.mean(), lam_transmix=lam.mean())
