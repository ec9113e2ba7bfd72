r"""SnapMix's training procedure: labels from the clean batch's class
activation maps (Huang et al., AAAI 2021; the authors' ``snapmix`` /
``get_spm``). The mixing itself is
:class:`~sumix_ext.models.mixers.BatchSnapMix`."""
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from ...mixers import semantic_percent_map, snapmix_ratios
from . import register_procedure


def check_snapmix(model) -> None:
    """SnapMix's label needs a linear head (``head.fc``) over a CNN's
    feature maps; checked at build."""
    if not isinstance(getattr(model.head, 'fc', None), torch.nn.Linear):
        raise ValueError(
            'MixupClassifier: BatchSnapMix labels from class activation '
            'maps, which need a linear head (LinearClsHead / SUMixHead '
            f'with .fc), got {type(model.head).__name__}; use one, or '
            'another mixer')
    if hasattr(model.backbone, 'patch_embed'):
        raise ValueError(
            'MixupClassifier: BatchSnapMix needs (N, C, h, w) feature '
            f'maps from a CNN backbone, got {type(model.backbone).__name__}'
            ' (a vision transformer); use BatchTransMix (labels from the '
            'class token\'s attention) or a CNN backbone')


def snapmix_labels(model, x: torch.Tensor, y: torch.Tensor,
                   mixed) -> Dict[str, torch.Tensor]:
    """SnapMix's label weights for a mixed batch, from ``model``'s class
    activation maps: ``snapmix rho_a`` (as trained, not normalised) and
    ``snapmix rho_a / (rho_a + rho_b)`` (a share of ``x_a``, comparable
    with the truth); for the ratio fidelity tool."""
    maps = model.backbone(x)[-1]
    spm = semantic_percent_map(maps, model.head.fc.weight,
                               model.head.fc.bias, y, tuple(x.shape[-2:]))
    rho_a, rho_b = snapmix_ratios(spm, mixed, y)
    total = (rho_a + rho_b).clamp(min=1e-8)
    return {'snapmix rho_a': rho_a, 'snapmix rho_a / (rho_a + rho_b)':
            rho_a / total}


@register_procedure('snapmix', with_sumix='mixer', check=check_snapmix,
                    label_ratios=snapmix_labels, uses_mix_loss=False)
def snapmix_loss(model, inputs: torch.Tensor,
                 data_samples: List[DataSample],
                 target: torch.Tensor) -> dict:
    r"""SnapMix: the clean batch's semantic percent maps from the current
    model (train mode, no gradient, as the authors' code), the mix, and
    :math:`\rho_a\,\mathrm{CE}(z, y_a) + \rho_b\,\mathrm{CE}(z, y_b)` with
    :func:`~sumix_ext.models.mixers.snapmix_ratios` (not normalised to sum
    1)."""
    fc = model.head.fc
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
