"""Square occlusion masks for the occlusion-robustness analysis."""
import math
from typing import Optional

import torch

OCCLUSION_MODES = ('random', 'center')


def occlusion_mask(n: int, height: int, width: int, share: float,
                   mode: str = 'random',
                   generator: Optional[torch.Generator] = None,
                   device='cpu') -> torch.Tensor:
    r"""Masks of one box per image covering ``share`` of its area.

    The box has sides :math:`h = \mathrm{round}(\sqrt{s}\,H)` and
    :math:`w = \mathrm{round}(\sqrt{s}\,W)` (a square on square images), so
    it covers :math:`hw / HW \approx s` of the image; ``share=0`` masks
    nothing and ``share=1`` everything. ``mode='random'`` draws the
    top-left corner uniformly per image so that the box stays inside the
    image; ``'center'`` centres it. Vectorised: no per-image loop.

    Args:
        n (int): Number of images.
        height (int): Image height ``H``.
        width (int): Image width ``W``.
        share (float): Occluded share of the area, in ``[0, 1]``.
        mode (str): ``'random'`` or ``'center'``.
        generator (torch.Generator, optional): For reproducible boxes.
        device: Device of the mask.

    Returns:
        torch.Tensor: ``(n, 1, H, W)`` bool, True where occluded.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f'occlusion share must be in [0, 1], got {share}')
    if mode not in OCCLUSION_MODES:
        raise ValueError(f"occlusion mode must be one of {OCCLUSION_MODES}, "
                         f"got '{mode}'")
    side = math.sqrt(share)
    bh, bw = round(side * height), round(side * width)
    if mode == 'center':
        y0 = torch.full((n, ), (height - bh) // 2, dtype=torch.long)
        x0 = torch.full((n, ), (width - bw) // 2, dtype=torch.long)
    else:
        y0 = torch.randint(0, height - bh + 1, (n, ), generator=generator)
        x0 = torch.randint(0, width - bw + 1, (n, ), generator=generator)
    y0, x0 = y0.to(device).view(n, 1, 1), x0.to(device).view(n, 1, 1)
    ys = torch.arange(height, device=device).view(1, height, 1)
    xs = torch.arange(width, device=device).view(1, 1, width)
    mask = (ys >= y0) & (ys < y0 + bh) & (xs >= x0) & (xs < x0 + bw)
    return mask.unsqueeze(1)


def occlude(inputs: torch.Tensor, mask: torch.Tensor,
            fill) -> torch.Tensor:
    """Replace the masked pixels of ``inputs`` by ``fill``.

    Args:
        inputs (torch.Tensor): ``(N, C, H, W)`` images.
        mask (torch.Tensor): ``(N, 1, H, W)`` bool from
            :func:`occlusion_mask`.
        fill (float | torch.Tensor): Fill value, a scalar or per channel
            ``(C, 1, 1)`` (e.g. the normalised value of a black pixel).

    Returns:
        torch.Tensor: Occluded copy of ``inputs``.
    """
    fill = torch.as_tensor(fill, dtype=inputs.dtype, device=inputs.device)
    return torch.where(mask, fill.expand_as(inputs[:1]), inputs)
