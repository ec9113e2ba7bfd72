r"""TransMix's training procedure: CutMix boxes labelled from the class
token's attention of the mixed batch (Chen et al., CVPR 2022). The mixing
is :class:`~sumix_ext.models.mixers.BatchTransMix`."""
from typing import Dict, List

import torch
from mmpretrain.structures import DataSample

from ...mixers import as_lam_tensor, transmix_lam
from ...utils import ClassTokenAttention
from . import register_procedure
from .mixed_label import mixed_label_loss


def check_transmix(model) -> None:
    """TransMix needs a vision transformer with a class token (raises,
    naming the fix)."""
    ClassTokenAttention(model.backbone)


def transmix_labels(model, x: torch.Tensor, y: torch.Tensor,
                    mixed) -> Dict[str, torch.Tensor]:
    """TransMix's share of ``x_a`` for a mixed batch from ``model``'s
    class-token attention (one forward of the mixed images): as trained
    (the authors' area/attention average, ``transmix``) and the paper's
    attention-only form (``transmix attention only``); for the ratio
    fidelity tool."""
    with ClassTokenAttention(model.backbone) as probe:
        model.extract_feat(mixed.inputs)
    return {
        'transmix': transmix_lam(probe.attention, mixed, probe.grid, 0.5),
        'transmix attention only': transmix_lam(probe.attention, mixed,
                                                probe.grid, 0.0),
    }


@register_procedure('transmix', with_sumix='mixer', check=check_transmix,
                    label_ratios=transmix_labels)
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
