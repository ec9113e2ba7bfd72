"""GridMix (Baek et al., Pattern Recognition 2021, "GridMix: Strong
regularization through local context mapping")."""
import math
from typing import Sequence, Tuple, Union

import numpy as np
import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .mask_ops import mix_hard, share_of_a

Range = Union[float, Sequence[float]]


def _as_range(value: Range, name: str) -> Tuple[float, float]:
    if isinstance(value, (int, float)):
        return float(value), float(value)
    if len(value) != 2 or value[0] > value[1] or value[0] <= 0:
        raise ValueError(f'BatchGridMix: {name} must be a positive number or '
                         f'a (low, high) pair with low <= high, got {value}')
    return float(value[0]), float(value[1])


def grid_axis(length: int, start: int, span: int, period: int, hole: int,
              device=None) -> torch.Tensor:
    """1-D hole indicator: ``start <= i < start + span`` and
    ``(i - start) mod period < hole``.

    Returns:
        torch.Tensor: ``(length,)`` bool.
    """
    i = torch.arange(length, device=device)
    rel = i - start
    return (rel >= 0) & (rel < span) & (torch.remainder(rel, period) < hole)


@BATCH_AUGMENTS.register_module()
class BatchGridMix(BaseMixer):
    r"""GridMix: a grid of ``x_b`` holes inside a random cut region.

    Draw :math:`\lambda \sim \mathrm{Beta}(\alpha, \alpha)`, ``n`` holes per
    row (uniform integer in ``n_holes``), a cut region of area
    ``cut_area_ratio * HW`` and aspect ``cut_aspect_ratio`` (h/w, clipped to
    the image) at a random position, split into cells of width
    :math:`p_w = \lceil w_{cut}/n \rceil` and height
    :math:`p_h = \max(2, \lfloor p_w \cdot \text{hole\_aspect\_ratio}
    \rfloor)`. The top-left :math:`\lfloor\sqrt{1-\lambda}\,p\rfloor` of each
    cell (clamped to ``[1, p - 1]``) shows ``x_b``. The mask is the outer
    product of two 1-D indicators (one per axis), so it is built with no loop:

    .. math::
        M_{y,x} = r_y\,c_x, \qquad \lambda_{exact} = 1 - \frac{\sum_y r_y
        \sum_x c_x}{HW}

    Args:
        alpha (float): Beta concentration. Defaults to 1.0.
        n_holes (int | tuple): Holes per row, or an inclusive integer range.
            Defaults to (2, 6).
        hole_aspect_ratio (float | tuple): Cell height / width. Defaults 1.
        cut_area_ratio (float | tuple): Cut region area share. Defaults to
            (0.5, 1).
        cut_aspect_ratio (float | tuple): Cut region height / width.
            Defaults to (0.5, 2).
        avoid_self_pair (bool): Never pair a sample with itself.
    """

    def __init__(self, alpha: float = 1.0,
                 n_holes: Union[int, Sequence[int]] = (2, 6),
                 hole_aspect_ratio: Range = 1.0,
                 cut_area_ratio: Range = (0.5, 1.0),
                 cut_aspect_ratio: Range = (0.5, 2.0),
                 avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        low, high = _as_range(n_holes, 'n_holes')
        if low < 1 or int(low) != low or int(high) != high:
            raise ValueError(f'BatchGridMix: n_holes must be integers >= 1, '
                             f'got {n_holes}; e.g. n_holes=(2, 6)')
        self.n_holes = (int(low), int(high))
        self.hole_aspect_ratio = _as_range(hole_aspect_ratio,
                                           'hole_aspect_ratio')
        self.cut_area_ratio = _as_range(cut_area_ratio, 'cut_area_ratio')
        if self.cut_area_ratio[1] > 1:
            raise ValueError('BatchGridMix: cut_area_ratio must be <= 1, got '
                             f'{cut_area_ratio}')
        self.cut_aspect_ratio = _as_range(cut_aspect_ratio,
                                          'cut_aspect_ratio')

    def sample_geometry(self, h: int, w: int) -> dict:
        """Draw the grid geometry (numpy RNG) for an ``h x w`` image.

        Returns:
            dict: ``cut_h, cut_w, y0, x0, n`` (cut region) and
            ``period_h, period_w`` (cell size).
        """
        n = int(np.random.randint(self.n_holes[0], self.n_holes[1] + 1))
        area = np.random.uniform(*self.cut_area_ratio) * h * w
        aspect = np.random.uniform(*self.cut_aspect_ratio)
        hole_ar = np.random.uniform(*self.hole_aspect_ratio)
        cut_w = min(w, max(2, int(math.sqrt(area / aspect))))
        cut_h = min(h, max(2, int(cut_w * aspect)))
        period_w = max(2, math.ceil(cut_w / n))
        period_h = max(2, int(period_w * hole_ar))
        y0 = int(np.random.randint(0, h - cut_h + 1))
        x0 = int(np.random.randint(0, w - cut_w + 1))
        return dict(cut_h=cut_h, cut_w=cut_w, y0=y0, x0=x0,
                    period_h=period_h, period_w=period_w)

    @staticmethod
    def hole_size(lam: float, period: int) -> int:
        """Hole side in a cell: ``floor(sqrt(1 - lam) p)`` in ``[1, p-1]``."""
        return min(max(int(period * math.sqrt(1.0 - lam)), 1), period - 1)

    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        h, w = inputs.shape[-2:]
        g = self.sample_geometry(h, w)
        rows = grid_axis(h, g['y0'], g['cut_h'], g['period_h'],
                         self.hole_size(lam, g['period_h']), inputs.device)
        cols = grid_axis(w, g['x0'], g['cut_w'], g['period_w'],
                         self.hole_size(lam, g['period_w']), inputs.device)
        mask_b = (rows[:, None] & cols[None, :])[None, None]
        return MixOutput(mix_hard(inputs, index, mask_b), index,
                         share_of_a(mask_b, False), mask_b)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, n_holes='
                f'{self.n_holes}, hole_aspect_ratio={self.hole_aspect_ratio}, '
                f'cut_area_ratio={self.cut_area_ratio}, cut_aspect_ratio='
                f'{self.cut_aspect_ratio}, avoid_self_pair='
                f'{self.avoid_self_pair})')
