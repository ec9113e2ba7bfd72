"""Grad-CAM with forward hooks (Selvaraju et al., 2017)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


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

    Args:
        model (nn.Module): An mmpretrain classifier; ``model(x,
            mode='tensor')`` must return class logits.
        target_layer (str, optional): Dotted module name (e.g.
            ``'backbone.layer4'``). Default: the backbone output (its last
            stage). A module returning a tuple uses its last element.
    """

    def __init__(self, model: nn.Module, target_layer: Optional[str] = None):
        self.model = model
        name = target_layer or 'backbone'
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
        if out.ndim != 4:
            raise ValueError('Grad-CAM needs a (N, C, h, w) feature map at '
                             'the target layer, got shape '
                             f'{tuple(out.shape)}; pick a conv stage')
        self._act = out

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
        weights = grads.mean(dim=(2, 3), keepdim=True)
        cam = F.relu((weights * self._act).sum(dim=1, keepdim=True))
        cam = F.interpolate(cam, size=inputs.shape[-2:], mode='bilinear',
                            align_corners=False).squeeze(1)
        flat = cam.flatten(1)
        lo = flat.min(dim=1).values.view(-1, 1, 1)
        hi = flat.max(dim=1).values.view(-1, 1, 1)
        cam = (cam - lo) / (hi - lo).clamp(min=1e-12)
        self._act = None
        return cam.detach(), logits.detach()
