"""Mixup (Zhang et al., ICLR 2018, "mixup: Beyond Empirical Risk
Minimization")."""

import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput


@BATCH_AUGMENTS.register_module()
class BatchMixup(BaseMixer):
    r"""Mixup: a convex combination of two whole images.

    .. math::
        \lambda \sim \mathrm{Beta}(\alpha, \alpha), \qquad
        x_{mix} = \lambda x_a + (1 - \lambda) x_b

    Every pixel is a ``lam`` blend, so the drawn ``lam`` is already the exact
    share of ``x_a``.

    Args:
        alpha (float): Beta concentration. Defaults to 1.0.
        avoid_self_pair (bool): Never pair a sample with itself.
    """

    def __init__(self, alpha: float = 1.0, avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)

    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        return MixOutput(torch.lerp(inputs[index], inputs, lam), index,
                         float(lam))
