"""The published label rules that read the model (SnapMix, TransMix) as
shares of ``x_a``, for the ratio fidelity tool
(:mod:`sumix_ext.evaluation.ratio_fidelity`): each returns ``{name: (N,)
ratio}`` for one mixed batch, comparable with the true object share."""
from typing import Dict

import torch

from ..models.mixers import (semantic_percent_map, snapmix_ratios,
                             transmix_lam)
from ..models.utils import ClassTokenAttention

#: the label-rule ratios these functions return, in table order
LABEL_RULE_NAMES = ('snapmix rho_a', 'snapmix rho_a / (rho_a + rho_b)',
                    'transmix', 'transmix attention only')


def snapmix_labels(model: torch.nn.Module, x: torch.Tensor,
                   y: torch.Tensor, mixed) -> Dict[str, torch.Tensor]:
    """SnapMix's label weights for a mixed batch, from ``model``'s class
    activation maps: ``snapmix rho_a`` (as trained, not normalised) and
    ``snapmix rho_a / (rho_a + rho_b)`` (a share of ``x_a``, comparable
    with the truth)."""
    maps = model.backbone(x)[-1]
    spm = semantic_percent_map(maps, model.head.fc.weight,
                               model.head.fc.bias, y, tuple(x.shape[-2:]))
    rho_a, rho_b = snapmix_ratios(spm, mixed, y)
    total = (rho_a + rho_b).clamp(min=1e-8)
    return {'snapmix rho_a': rho_a, 'snapmix rho_a / (rho_a + rho_b)':
            rho_a / total}


def transmix_labels(model: torch.nn.Module,
                    mixed) -> Dict[str, torch.Tensor]:
    """TransMix's share of ``x_a`` for a mixed batch from ``model``'s
    class-token attention (one forward of the mixed images): as trained
    (the authors' area/attention average, ``transmix``) and the paper's
    attention-only form (``transmix attention only``)."""
    with ClassTokenAttention(model.backbone) as probe:
        model.extract_feat(mixed.inputs)
    return {
        'transmix': transmix_lam(probe.attention, mixed, probe.grid, 0.5),
        'transmix attention only': transmix_lam(probe.attention, mixed,
                                                probe.grid, 0.0),
    }


def label_rule_ratios(model: torch.nn.Module, mixer, x: torch.Tensor,
                      y: torch.Tensor, mixed) -> Dict[str, torch.Tensor]:
    """The label rule of ``mixer`` if it reads the model (SnapMix: class
    activation maps of the clean batch; TransMix: the mixed batch's
    attention), else ``{}``."""
    if getattr(mixer, 'needs_model', False):
        return snapmix_labels(model, x, y, mixed)
    if getattr(mixer, 'needs_attention', False):
        return transmix_labels(model, mixed)
    return {}
