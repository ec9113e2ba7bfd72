"""ResizeMix (Qin et al., 2020, "ResizeMix: Mixing Data with Preserved Object
Information and True Labels", arXiv:2012.11101)."""
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput


@BATCH_AUGMENTS.register_module()
class BatchResizeMix(BaseMixer):
    r"""ResizeMix: the whole of ``x_b``, resized, pasted into a random box.

    Draw a scale :math:`\tau \sim U(s_0, s_1)` (``scope``), or with
    ``use_alpha`` :math:`\tau = s_0 + (s_1 - s_0)\,\mathrm{Beta}(\alpha,
    \alpha)`; resize ``x_b`` (bilinear) to
    :math:`(h, w) = (\max(1, \lfloor \tau H \rfloor), \max(1, \lfloor \tau W
    \rfloor))` and paste it at a uniformly random position fully inside the
    image (one box for the batch):

    .. math::
        \lambda_{exact} = 1 - \frac{h w}{HW}

    Args:
        alpha (float): Beta concentration, used with ``use_alpha``.
            Defaults to 1.0.
        scope (tuple[float, float]): Range of the scale ``tau``. Defaults to
            (0.1, 0.8).
        use_alpha (bool): Draw ``tau`` from the scaled Beta instead of the
            uniform law. Defaults to False.
        interpolation (str): ``F.interpolate`` mode. Defaults to 'bilinear'.
        avoid_self_pair (bool): Never pair a sample with itself.
    """

    def __init__(self, alpha: float = 1.0,
                 scope: Sequence[float] = (0.1, 0.8),
                 use_alpha: bool = False, interpolation: str = 'bilinear',
                 avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        if (len(scope) != 2 or not 0 < scope[0] <= scope[1] <= 1):
            raise ValueError(f'BatchResizeMix: scope must be (low, high) with '
                             f'0 < low <= high <= 1, got {scope}; e.g. '
                             'scope=(0.1, 0.8)')
        self.scope = (float(scope[0]), float(scope[1]))
        self.use_alpha = bool(use_alpha)
        self.interpolation = interpolation

    def sample_lam(self) -> float:
        """Draw the paste scale ``tau`` (not a share of ``x_a``)."""
        low, high = self.scope
        if self.use_alpha:
            return low + (high - low) * super().sample_lam()
        return float(np.random.uniform(low, high))

    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        """Paste; here ``lam`` is the scale ``tau`` from :meth:`sample_lam`."""
        h, w = inputs.shape[-2:]
        bh, bw = max(1, int(h * lam)), max(1, int(w * lam))
        y1 = int(torch.randint(h - bh + 1, (1, )))
        x1 = int(torch.randint(w - bw + 1, (1, )))
        kwargs = dict(align_corners=False) if self.interpolation in (
            'bilinear', 'bicubic') else {}
        small = F.interpolate(inputs[index], size=(bh, bw),
                              mode=self.interpolation, **kwargs)
        mixed = inputs.clone()
        mixed[:, :, y1:y1 + bh, x1:x1 + bw] = small
        mask = torch.zeros(1, 1, h, w, dtype=torch.bool, device=inputs.device)
        mask[:, :, y1:y1 + bh, x1:x1 + bw] = True
        return MixOutput(mixed, index, 1.0 - bh * bw / float(h * w), mask,
                         (y1, x1, bh, bw))

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, scope='
                f'{self.scope}, use_alpha={self.use_alpha}, '
                f'avoid_self_pair={self.avoid_self_pair})')
