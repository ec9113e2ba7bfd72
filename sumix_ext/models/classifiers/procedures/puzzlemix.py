r"""PuzzleMix's training procedure (Kim et al., ICML 2020): the saliency is
the input gradient of a clean pass of the current model; the mixing itself
is :class:`~sumix_ext.models.mixers.BatchPuzzleMix`.

One step, as the authors' ``train`` loop (``main.py``):

1. with probability ``adv_p`` each (drawn separately for ``x_a`` and
   ``x_b``), a random start :math:`\delta \sim U(\pm\epsilon)` in ``[0,
   1]`` pixel units, :math:`\epsilon` = ``adv_eps``/255, clipped so that
   :math:`x + \delta \in [0, 1]`; the clean pass then sees :math:`x +
   \delta`;
2. the clean pass: cross-entropy :math:`\mathcal{L}_c` (batch mean) and its
   input gradient :math:`g`; saliency :math:`\sqrt{\mathrm{mean}_c\,g_c^2}`.
   With ``clean_lam = 0`` the model runs in **eval mode** (BatchNorm with
   running statistics, nothing updated) and **no weight is trained** by it:
   the authors back-propagate it and then zero every gradient; here the
   gradient is taken with respect to the input only (``torch.autograd.grad``,
   no parameter ``.grad`` is touched), the same update. With ``clean_lam >
   0`` it runs in train mode and the authors keep its gradients: here its
   loss joins the step's loss (below). OpenMixup always runs it in eval mode
   and zeroes the gradients, with no clean loss and no perturbation;
   where the two differ this follows the authors;
3. with the perturbation on, :math:`\delta \mathrel{+}= (\epsilon + 2/255)
   \mathrm{sign}(g)`, clipped to :math:`\pm\epsilon`, times :math:`u \sim
   U(0, 1)`; it is added to ``x_a`` and/or ``x_b`` (clipped to ``[0, 1]``)
   before transport;
4. the mix, its forward in train mode, and the loss
   :math:`\mathrm{CE}_{mix}(\lambda) + 2 c\,\mathcal{L}_c` with ``c`` =
   ``clean_lam``: :func:`mixed_label_loss` (OpenMixup's soft cross-entropy;
   the head's loss or ``model.mix_loss`` apply). The authors train with
   ``BCE(softmax(z), y)`` averaged over the batch and the ``K`` classes and
   add :math:`2 c \mathcal{L}_c / K`. For mixed targets the logit gradient
   of that BCE summed over the classes is close to the cross-entropy's
   (1.0x to 1.2x, measured; it nears 2x only for a confident one-hot
   prediction), so on the cross-entropy's scale their clean term weighs
   :math:`2 c\,\mathcal{L}_c` next to the mixed term: the factor 2 is kept.

Logged: ``lam`` (mean exact share of ``x_a``) and ``clean_ce``.
"""
from typing import List, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.models.heads import ClsHead
from mmpretrain.structures import DataSample

from ...mixers import gradient_saliency
from . import register_procedure
from .input_gradient import logits as class_logits, refuse_checkpointing
from .mixed_label import mixed_label_loss


def pixel_scale(model) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(mean, std)`` ``(1, C, 1, 1)`` mapping the preprocessed batch to
    ``[0, 1]`` pixels: the data preprocessor's over 255 (raw 0-255 images
    when it does not normalise)."""
    prep = model.data_preprocessor
    if getattr(prep, '_enable_normalize', False):
        mean, std = prep.mean, prep.std
    else:
        mean, std = torch.zeros(1), torch.ones(1)
    return (mean.float().reshape(1, -1, 1, 1) / 255.0,
            std.float().reshape(1, -1, 1, 1) / 255.0)


def check_puzzlemix(model) -> None:
    """PuzzleMix needs class logits for its saliency cross-entropy (a
    ``ClsHead``) and the input gradient, which reentrant gradient
    checkpointing (``with_cp=True``) cannot give; refused at build."""
    if not isinstance(model.head, ClsHead):
        raise ValueError(
            'MixupClassifier: BatchPuzzleMix takes the input gradient of the '
            'cross-entropy of single-label class logits, got a '
            f'{type(model.head).__name__}; use a ClsHead (LinearClsHead, '
            'SUMixHead, VisionTransformerClsHead, ...) or another mixer')
    refuse_checkpointing(model, 'BatchPuzzleMix', 'use another mixer')


def clean_saliency(model, x: torch.Tensor, target: torch.Tensor,
                   train: bool, keep_graph: bool = False):
    """The clean pass: ``(input gradient, cross-entropy)`` of ``x``, in
    train mode or eval mode (restored after), gradient w.r.t. the input
    only; ``keep_graph`` keeps the graph for a loss that trains on it."""
    was = model.training
    model.train(train)
    try:
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            ce = F.cross_entropy(class_logits(model, x).float(), target)
            grad, = torch.autograd.grad(ce, x, retain_graph=keep_graph)
    finally:
        model.train(was)
    return grad, ce


def puzzlemix_mix(model, mixer, x: torch.Tensor, y: torch.Tensor):
    """PuzzleMix's mix of a clean batch outside training (the fidelity and
    gallery tools): ``mixer`` with the saliency of ``model`` in its current
    mode, no perturbation."""
    grad, _ = clean_saliency(model, x, y, train=model.training)
    with torch.no_grad():
        return mixer(x, saliency=gradient_saliency(grad),
                     scale=tuple(t.to(x.device) for t in pixel_scale(model)))


@register_procedure(
    'puzzlemix', with_sumix='refuse', check=check_puzzlemix,
    mix=puzzlemix_mix,
    sumix_reason="PuzzleMix's mask is built from the input gradient of a "
    'clean pass of its own and then transported, and its label is the '
    'exact mask share')
def puzzlemix_loss(model, inputs: torch.Tensor,
                   data_samples: List[DataSample],
                   target: torch.Tensor) -> dict:
    """One PuzzleMix step (module docstring)."""
    mixer = model.mixer
    mean, std = pixel_scale(model)
    mean, std = mean.to(inputs.device), std.to(inputs.device)
    on = (False, False)
    if mixer.adv_p > 0:  # the authors draw only then
        on = (bool(np.random.binomial(1, mixer.adv_p)),
              bool(np.random.binomial(1, mixer.adv_p)))
    eps = mixer.adv_eps / 255.0
    x, noise = inputs, None
    if any(on):  # random start inside the ball and the image range
        x01 = inputs.float() * std + mean
        noise = (x01 + torch.empty_like(x01).uniform_(-eps, eps)).clamp(
            0, 1) - x01
        x = ((x01 + noise - mean) / std).to(inputs.dtype)
    clean = mixer.clean_lam > 0
    grad, ce = clean_saliency(model, x, target, train=clean,
                              keep_graph=clean)
    if noise is not None:
        noise = (noise + (eps + 2 / 255.0) * grad.float().sign()).clamp(
            -eps, eps) * float(np.random.uniform(0, 1))
    with torch.no_grad():
        mixed = mixer(inputs, saliency=gradient_saliency(grad),
                      scale=(mean, std), noise=noise, noise_on=on)
    logits = class_logits(model, mixed.inputs)
    loss = mixed_label_loss(model, logits, target, mixed.index, mixed.lam)
    if clean:  # the authors' 2 clean_lam (see the module docstring)
        loss = loss + 2.0 * mixer.clean_lam * ce
    return dict(loss=loss, lam=mixed.lam.mean(), clean_ce=ce.detach())
