r"""ManifoldMix's training procedure (Verma et al., ICML 2019): Mixup of the
hidden state at a layer drawn each step, applied by a forward pre-hook on
that backbone stage for the one forward pass. The draws and the maths are
:class:`~sumix_ext.models.mixers.BatchManifoldMix`."""
from typing import List

import torch
from mmpretrain.structures import DataSample
from torch import nn

from ...mixers.manifoldmix import manifold_mix
from ...utils.forward_mix import ForwardMix
from . import register_procedure
from .mixed_label import mixed_label_loss


def backbone_stages(backbone: nn.Module) -> List[nn.Module]:
    """The stages of a backbone, in forward order: mmpretrain's
    ``res_layers`` (ResNet, ResNet_CIFAR, ResNeXt, our ResNeXt_CIFAR and
    the other ResNet subclasses) or our ``WideResNet_CIFAR.groups``.

    Raises:
        ValueError: Another backbone (e.g. a vision transformer), naming
            the fix.
    """
    names = getattr(backbone, 'res_layers', None)
    if isinstance(names, (list, tuple)) and names:
        return [getattr(backbone, name) for name in names]
    groups = getattr(backbone, 'groups', None)
    if isinstance(groups, nn.ModuleList) and len(groups):
        return list(groups)
    raise ValueError(
        'MixupClassifier: BatchManifoldMix mixes the input of a backbone '
        "stage and knows the stages of mmpretrain's ResNet family "
        '(res_layers: ResNet, ResNet_CIFAR, ResNeXt, ResNeXt_CIFAR) and '
        f'WideResNet_CIFAR (groups), got {type(backbone).__name__}; use '
        'one of those backbones, or BatchMixup (the image only)')


def mix_site(backbone: nn.Module, layer: int) -> nn.Module:
    """The module whose input is the hidden state of ``layer``: the
    backbone itself for 0 (the image), else stage ``layer`` (0-based)."""
    return backbone if layer == 0 else backbone_stages(backbone)[layer]


def check_manifoldmix(model) -> None:
    """Every configured layer is one the backbone has (raises naming the
    fix)."""
    stages = backbone_stages(model.backbone)
    layers = model.mixer.layers
    bad = [k for k in layers if k >= len(stages)]
    if bad:
        raise ValueError(
            f'MixupClassifier: BatchManifoldMix layers={layers} names '
            f'layer {bad[0]}, but {type(model.backbone).__name__} has '
            f'{len(stages)} stages, so the layers are 0 (the image) to '
            f'{len(stages) - 1} (the input of its last stage); use e.g. '
            'layers=(0, 1, 2)')


@register_procedure(
    'manifoldmix', with_sumix='refuse', check=check_manifoldmix,
    sumix_reason='it mixes hidden states inside the network, so there is '
    "no mixed image for SUMix's clean/mixed pair and share ratios")
def manifoldmix_loss(model, inputs: torch.Tensor,
                     data_samples: List[DataSample],
                     target: torch.Tensor) -> dict:
    r"""ManifoldMix: draw ``(lam, index, k)``, run the batch with the input
    of stage ``k`` (``k = 0``: the image) replaced by
    :func:`~sumix_ext.models.mixers.manifoldmix.manifold_mix` (one forward
    pass; the hook is removed after it), and train with the mixed-label
    cross-entropy :math:`\lambda\,\mathrm{CE}(z, y_a) +
    (1-\lambda)\,\mathrm{CE}(z, y_b)` (:func:`mixed_label_loss`: the head's
    own loss, or ``model.mix_loss``). Logged: ``lam`` and ``mix_layer``."""
    mixer = model.mixer
    mixer.check_inputs(inputs)
    lam, index, layer = mixer.draw(inputs.size(0), inputs.device)
    site = mix_site(model.backbone, layer)
    with ForwardMix(site, lambda h: manifold_mix(h, lam, index)):
        logits = model.head(model.extract_feat(model._memory_format(inputs)))
    loss = mixed_label_loss(model, logits, target, index, lam)
    return dict(loss=loss, lam=torch.tensor(float(lam)),
                mix_layer=torch.tensor(float(layer)))
