"""Grad-CAM with forward hooks (Selvaraju et al., 2017)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


def default_target_layer(model: nn.Module) -> str:
    """``'backbone'`` (its last stage) for CNNs; the last block's ``ln1``
    for a transformer backbone with a ``layers`` list and token outputs
    (mmpretrain's ``VisionTransformer``/DeiT)."""
    backbone = getattr(model, 'backbone', None)
    layers = getattr(backbone, 'layers', None)
    if isinstance(layers, nn.ModuleList) and len(layers) and hasattr(
            layers[-1], 'ln1'):
        return f'backbone.layers.{len(layers) - 1}.ln1'
    return 'backbone'


class GradCAM:
    r"""Class activation maps from the gradients at one layer.

    For activations :math:`A \in \mathbb{R}^{K \times h \times w}` of the
    target layer and the class score :math:`z_c`:

    .. math::
        \alpha_k = \frac{1}{hw} \sum_{i,j}
        \frac{\partial z_c}{\partial A_{kij}}, \qquad
        L_c = \mathrm{ReLU}\Big(\sum_k \alpha_k A_k\Big)

    upsampled bilinearly to the input size and scaled to ``[0, 1]`` per
    image. Images in a batch are independent (``model.eval()``), so one
    backward pass gives every map.

    Vision transformers: token-shaped activations ``(N, L, C)`` (e.g. a
    block's ``ln1`` in DeiT) are turned into ``(N, C, h, w)`` maps after
    dropping the ``num_extra_tokens`` leading tokens (class/distillation
    tokens; default: the backbone's ``num_extra_tokens``), with ``h = w =
    sqrt(L - extra)`` (mmpretrain's ``--vit-like`` reshape). Their default
    target layer is the last block's first norm.

    Args:
        model (nn.Module): An mmpretrain classifier; ``model(x,
            mode='tensor')`` must return class logits.
        target_layer (str, optional): Dotted module name (e.g.
            ``'backbone.layer4'``, ``'backbone.layers.11.ln1'``). Default:
            the backbone output (its last stage), or for a transformer
            backbone with ``layers`` the last block's ``ln1``. A module
            returning a tuple uses its last element.
        num_extra_tokens (int, optional): Leading non-patch tokens of a
            token-shaped activation.
    """

    def __init__(self, model: nn.Module, target_layer: Optional[str] = None,
                 num_extra_tokens: Optional[int] = None):
        self.model = model
        backbone = getattr(model, 'backbone', None)
        self.num_extra_tokens = num_extra_tokens if num_extra_tokens \
            is not None else getattr(backbone, 'num_extra_tokens', 0)
        name = target_layer or default_target_layer(model)
        try:
            self.layer = model.get_submodule(name)
        except AttributeError as exc:
            raise ValueError(
                f"--target-layer '{name}' is not a module of the model; use "
                "a dotted name like 'backbone.layer4' (see print(model))"
            ) from exc
        self._act = None

    def _hook(self, module, args, output):
        out = output[-1] if isinstance(output, (tuple, list)) else output
        if out.ndim not in (3, 4):
            raise ValueError('Grad-CAM needs a (N, C, h, w) feature map or '
                             '(N, L, C) tokens at the target layer, got '
                             f'shape {tuple(out.shape)}; pick a conv stage '
                             "or a transformer block (e.g. "
                             "'backbone.layers.11.ln1')")
        self._act = out

    def _spatial(self, t: torch.Tensor) -> torch.Tensor:
        """``(N, L, C)`` tokens -> ``(N, C, h, w)``; maps pass through."""
        if t.ndim == 4:
            return t
        tokens = t[:, self.num_extra_tokens:]
        side = int(round(tokens.size(1)**0.5))
        if side * side != tokens.size(1):
            raise ValueError(
                f'{tokens.size(1)} patch tokens (after '
                f'{self.num_extra_tokens} extra) are not a square grid; set '
                '--num-extra-tokens to the number of class/distillation '
                'tokens')
        return tokens.transpose(1, 2).reshape(t.size(0), t.size(2), side,
                                              side)

    def __call__(self, inputs: torch.Tensor,
                 classes: Optional[torch.Tensor] = None):
        """Compute the maps.

        Args:
            inputs (torch.Tensor): ``(N, C, H, W)`` preprocessed images.
            classes (torch.Tensor, optional): ``(N,)`` target classes;
                default: the predicted ones.

        Returns:
            tuple: ``(cams, logits)``: ``(N, H, W)`` maps in ``[0, 1]`` and
            ``(N, num_classes)`` detached logits.
        """
        handle = self.layer.register_forward_hook(self._hook)
        try:
            with torch.enable_grad():
                logits = self.model(inputs, mode='tensor')
                if classes is None:
                    classes = logits.argmax(dim=1)
                score = logits.gather(1, classes.view(-1, 1)).sum()
                grads, = torch.autograd.grad(score, self._act)
        finally:
            handle.remove()
        grads, act = self._spatial(grads), self._spatial(self._act)
        weights = grads.mean(dim=(2, 3), keepdim=True)
        cam = F.relu((weights * act).sum(dim=1, keepdim=True))
        cam = F.interpolate(cam, size=inputs.shape[-2:], mode='bilinear',
                            align_corners=False).squeeze(1)
        flat = cam.flatten(1)
        lo = flat.min(dim=1).values.view(-1, 1, 1)
        hi = flat.max(dim=1).values.view(-1, 1, 1)
        cam = (cam - lo) / (hi - lo).clamp(min=1e-12)
        self._act = None
        return cam.detach(), logits.detach()
