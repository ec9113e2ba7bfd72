"""Box helpers shared by the cutting-based mixers (CutMix, SaliencyMix...)."""
from typing import Tuple

import torch


def box_mask(y1: torch.Tensor, y2: torch.Tensor, x1: torch.Tensor,
             x2: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Boolean masks of half-open boxes ``[y1, y2) x [x1, x2)``, vectorised.

    Args:
        y1, y2, x1, x2 (torch.Tensor): ``(N,)`` integer box corners.
        h (int): Image height.
        w (int): Image width.

    Returns:
        torch.Tensor: ``(N, 1, h, w)`` bool, True inside each box.
    """
    device = y1.device
    rows = torch.arange(h, device=device)[None, :]
    cols = torch.arange(w, device=device)[None, :]
    in_rows = (rows >= y1[:, None]) & (rows < y2[:, None])
    in_cols = (cols >= x1[:, None]) & (cols < x2[:, None])
    return (in_rows[:, :, None] & in_cols[:, None, :])[:, None]


def clip_box(cy: torch.Tensor, cx: torch.Tensor, cut_h: int, cut_w: int,
             h: int, w: int) -> Tuple[torch.Tensor, ...]:
    """Corners of a ``cut_h x cut_w`` box centred at ``(cy, cx)``, clipped.

    Args:
        cy, cx (torch.Tensor): Box centres (any shape, integer).
        cut_h (int): Box height before clipping.
        cut_w (int): Box width before clipping.
        h (int): Image height.
        w (int): Image width.

    Returns:
        tuple: ``(y1, y2, x1, x2)`` clipped to the image.
    """
    y1 = (cy - cut_h // 2).clamp(0, h)
    y2 = (cy + cut_h // 2).clamp(0, h)
    x1 = (cx - cut_w // 2).clamp(0, w)
    x2 = (cx + cut_w // 2).clamp(0, w)
    return y1, y2, x1, x2


def cut_size(lam: float, h: int, w: int) -> Tuple[int, int]:
    """Side lengths of a box of area about ``1 - lam`` of the image.

    ``cut_h = int(h * sqrt(1 - lam))``, ``cut_w = int(w * sqrt(1 - lam))``.
    """
    ratio = (1.0 - lam)**0.5
    return int(h * ratio), int(w * ratio)
