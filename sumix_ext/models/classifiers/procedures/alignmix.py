r"""AlignMix's training procedure (Venkataramanan et al., CVPR 2022): the
backbone's last feature maps aligned by Sinkhorn and interpolated, applied
by a forward hook on the backbone for the one forward pass; on the other
steps an input Mixup, as the authors' training loop. The draws and the
maths are :class:`~sumix_ext.models.mixers.BatchAlignMix`."""
from typing import List

import torch
from mmpretrain.structures import DataSample

from ...utils.forward_mix import ForwardMix
from . import register_procedure
from .mixed_label import mixed_label_loss

#: mmpretrain vision-transformer outputs that are not (N, C, h, w) maps
TOKEN_OUTPUTS = ('cls_token', 'raw', 'avg_featmap')


def check_alignmix(model) -> None:
    """AlignMix aligns ``(N, C, h, w)`` maps: a backbone that returns
    tokens or pooled vectors is refused at build (naming the fix); any
    other output that is not 4-D is refused at the first step."""
    out_type = getattr(model.backbone, 'out_type', None)
    if out_type in TOKEN_OUTPUTS:
        raise ValueError(
            'MixupClassifier: BatchAlignMix aligns (N, C, h, w) feature '
            f'maps, but {type(model.backbone).__name__} returns '
            f"out_type='{out_type}'; use a CNN backbone (ResNet, ResNeXt, "
            "WideResNet_CIFAR), out_type='featmap', or another mixer")


def _align_last(mixer, lam: float, index: torch.Tensor, direction: int):
    """``fn`` of the backbone's output: its last map aligned and mixed."""
    def fn(outs):
        if isinstance(outs, torch.Tensor):
            return mixer.align(outs, lam, index, direction)
        outs = tuple(outs)
        return outs[:-1] + (mixer.align(outs[-1], lam, index, direction), )
    return fn


@register_procedure(
    'alignmix', with_sumix='refuse', check=check_alignmix,
    sumix_reason='it interpolates aligned feature maps inside the network, '
    "so there is no mixed image for SUMix's clean/mixed pair and share "
    'ratios')
def alignmix_loss(model, inputs: torch.Tensor,
                  data_samples: List[DataSample],
                  target: torch.Tensor) -> dict:
    r"""AlignMix: draw ``lam`` and a permutation; with probability
    ``input_mix_prob`` forward the Mixup of the images, else forward the
    clean batch with the backbone's last maps replaced by
    :meth:`~sumix_ext.models.mixers.BatchAlignMix.align` (a direction
    drawn; plan without gradient, both partners' maps with it); train with
    the mixed-label cross-entropy (:func:`mixed_label_loss`). Logged:
    ``lam`` and ``aligned`` (1 on alignment steps)."""
    mixer = model.mixer
    mixer.check_inputs(inputs)
    lam = mixer.sample_lam()
    index = mixer.sample_index(inputs.size(0), inputs.device)
    aligned = not mixer.sample_input_step()
    if aligned:
        fn = _align_last(mixer, lam, index, mixer.sample_direction())
        with ForwardMix(model.backbone, fn, where='output'):
            logits = model.head(model.extract_feat(
                model._memory_format(inputs)))
    else:
        x = mixer.mix(inputs, lam, index).inputs
        logits = model.head(model.extract_feat(model._memory_format(x)))
    loss = mixed_label_loss(model, logits, target, index, lam)
    return dict(loss=loss, lam=torch.tensor(float(lam)),
                aligned=torch.tensor(float(aligned)))
