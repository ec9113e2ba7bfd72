"""SmoothMix (Lee et al., CVPR Workshops 2020, "SmoothMix: a Simple Yet
Effective Data Augmentation to Train Robust Classifiers")."""
import math

import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .mask_ops import mix_soft, share_of_a


def gaussian_masks(cy: torch.Tensor, cx: torch.Tensor, sigma_y: float,
                   sigma_x: float, h: int, w: int) -> torch.Tensor:
    r"""Separable Gaussian bumps :math:`m = g_y g_x^T`, one per centre.

    Args:
        cy, cx (torch.Tensor): ``(M,)`` float centres in pixels.
        sigma_y (float): Std along rows, in pixels.
        sigma_x (float): Std along columns, in pixels.
        h (int): Height.
        w (int): Width.

    Returns:
        torch.Tensor: ``(M, 1, h, w)`` float32 in ``[0, 1]``.
    """
    ys = torch.arange(h, device=cy.device, dtype=torch.float32) + 0.5
    xs = torch.arange(w, device=cx.device, dtype=torch.float32) + 0.5
    gy = torch.exp(-(ys[None] - cy[:, None])**2 / (2 * sigma_y**2))
    gx = torch.exp(-(xs[None] - cx[:, None])**2 / (2 * sigma_x**2))
    return (gy[:, :, None] * gx[:, None, :])[:, None]


@BATCH_AUGMENTS.register_module()
class BatchSmoothMix(BaseMixer):
    r"""SmoothMix: ``x_b`` blended in through a soft Gaussian mask.

    Draw :math:`\lambda \sim \mathrm{Beta}(\alpha, \alpha)` and, per sample,
    a centre :math:`(c_y, c_x)` uniform over the image. The mask

    .. math::
        m_{y,x} = \exp\Big(-\frac{(y - c_y)^2}{2\sigma_y^2}
                  - \frac{(x - c_x)^2}{2\sigma_x^2}\Big), \quad
        \sigma_y = H\sqrt{\tfrac{1-\lambda}{2\pi}},\
        \sigma_x = W\sqrt{\tfrac{1-\lambda}{2\pi}}

    has unbounded mass :math:`2\pi\sigma_y\sigma_x = (1-\lambda)HW`, i.e. a
    ``1 - lam`` share of ``x_b`` before the image border cuts it. Then

    .. math::
        x_{mix} = (1 - m) \odot x_a + m \odot x_b, \qquad
        \lambda_{exact,i} = 1 - \frac{1}{HW}\sum_{y,x} m_{i,y,x}

    per sample (the border cuts differently per centre). Note: the
    reference code returns ``mean(m)`` - the share of ``x_b`` - as the weight
    of ``y_a``; here ``lam`` is always the share of ``x_a``.

    Args:
        alpha (float): Beta concentration. Defaults to 0.2.
        per_sample (bool): One centre per sample (default; ``lam`` is a
            ``(N,)`` tensor) or one for the batch (``lam`` a float).
        avoid_self_pair (bool): Never pair a sample with itself.
    """

    def __init__(self, alpha: float = 0.2, per_sample: bool = True,
                 avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        self.per_sample = bool(per_sample)

    def mix(self, inputs: torch.Tensor, lam: float, index: torch.Tensor
            ) -> MixOutput:
        n, _, h, w = inputs.shape
        m = n if self.per_sample else 1
        ratio = max(math.sqrt((1.0 - lam) / (2 * math.pi)), 1e-4)
        cy = torch.rand(m, device=inputs.device) * h
        cx = torch.rand(m, device=inputs.device) * w
        mask_b = gaussian_masks(cy, cx, ratio * h, ratio * w, h, w)
        mask_b = mask_b.to(inputs.dtype)
        return MixOutput(mix_soft(inputs, index, mask_b), index,
                         share_of_a(mask_b, self.per_sample), mask_b)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, per_sample='
                f'{self.per_sample}, avoid_self_pair={self.avoid_self_pair})')
