r"""GuidedMixup's gradient mode (Guided-AP; Kang & Kim, AAAI 2023): the
saliency is the input gradient of the current model on the clean batch.
The mixing itself is :class:`~sumix_ext.models.mixers.BatchGuidedMix`
(``guided_type='ap'``); ``guided_type='sr'`` needs no model and is a plain
mixer.

Which weights the saliency pass trains, as in the authors' code
(``main.py`` and ``FGVC/Implementor/guidedmixup.py``): with ``clean_lam=0``
none (they zero the gradients after the clean backward; here the gradient
is taken with respect to the input only), with ``clean_lam > 0`` the clean
cross-entropy, weighted, joins the mixed loss (they keep its gradients and
add the mixed batch's). The clean forward runs in train mode, so
BatchNorm's running statistics see the clean batch too, as theirs.
"""
from typing import List

import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from ...mixers import gradient_saliency
from . import register_procedure
from .input_gradient import logits as class_logits, refuse_checkpointing
from .mixed_label import mixed_label_loss


def check_guidedmix(model) -> None:
    """The input gradient is taken with ``torch.autograd.grad``, which
    reentrant gradient checkpointing (mmpretrain's ``with_cp=True``)
    cannot run; refused at build."""
    refuse_checkpointing(model, "BatchGuidedMix(guided_type='ap')",
                         "guided_type='sr'")


def saliency_pass(model, inputs: torch.Tensor, target: torch.Tensor,
                  keep_graph: bool = False):
    """``(saliency (N, H, W), clean CE)``: the mean cross-entropy of the
    clean batch (in the model's current mode) and its input gradient's
    channel RMS; no weight gradient is computed. ``keep_graph``: the CE
    stays differentiable (it joins the loss)."""
    x = inputs.detach().requires_grad_(True)
    with torch.enable_grad():
        clean = F.cross_entropy(class_logits(model, x).float(), target)
        grad, = torch.autograd.grad(clean, x, retain_graph=keep_graph)
    return gradient_saliency(grad), clean


def guidedmix_mix(model, mixer, x: torch.Tensor, y: torch.Tensor):
    """Guided-AP's mix of a clean batch outside training (analysis tools:
    ratio fidelity, gallery): the saliency pass of ``model`` as it is, then
    :meth:`~sumix_ext.models.mixers.BatchGuidedMix.mix_with` (always
    mixed)."""
    return mixer.mix_with(x, saliency_pass(model, x, y)[0])


@register_procedure(
    'guidedmix', with_sumix='refuse', check=check_guidedmix,
    mix=guidedmix_mix,
    sumix_reason="Guided-AP's mix is built from the model's input "
    'gradient, and its label is the mask share; use '
    "guided_type='sr' (no model) with SUMix")
def guidedmix_loss(model, inputs: torch.Tensor,
                   data_samples: List[DataSample],
                   target: torch.Tensor) -> dict:
    r"""Guided-AP: with probability ``prob`` the clean batch's
    cross-entropy :math:`\mathcal{L}_c` (mean, train mode) gives the input
    gradient :math:`g`, the saliency is :math:`\sqrt{\mathrm{mean}_c\,
    g_c^2}` (:func:`~sumix_ext.models.mixers.gradient_saliency`) and the
    mixer mixes by it; the loss is the mixed-label cross-entropy with
    ``lam`` = the mask share, plus ``clean_lam`` :math:`\mathcal{L}_c`.
    Otherwise the clean batch trains with its own cross-entropy and no
    saliency pass, as the authors' ``mix_prob``."""
    mixer = model.mixer
    if not mixer.draw_mix():
        logits = class_logits(model, inputs)
        index = torch.arange(inputs.size(0), device=inputs.device)
        return dict(loss=mixed_label_loss(model, logits, target, index, 1.0),
                    lam=torch.ones((), device=inputs.device))
    saliency, clean = saliency_pass(model, inputs, target,
                                    keep_graph=mixer.clean_lam > 0)
    mixed = mixer.mix_with(inputs, saliency)
    logits = class_logits(model, mixed.inputs)
    loss = mixed_label_loss(model, logits, target, mixed.index, mixed.lam)
    out = dict(lam=mixed.lam.mean(), clean_ce=clean.detach())
    if mixer.clean_lam > 0:
        loss = loss + mixer.clean_lam * clean
    out['loss'] = loss
    return out
