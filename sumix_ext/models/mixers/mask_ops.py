"""Mask mixing shared by the mask-based mixers (SaliencyMix, FMix, GridMix,
ResizeMix, SmoothMix).

Convention: a mask ``m`` is the share of ``x_b`` at each pixel (1 = pixel of
``x_b``), broadcastable to ``(N, 1, H, W)``:

.. math::
    x_{mix} = (1 - m) \\odot x_a + m \\odot x_b, \\qquad
    \\lambda_{exact} = 1 - \\frac{1}{HW} \\sum_{y,x} m_{y,x}
"""
from typing import Union

import torch


def mix_hard(inputs: torch.Tensor, index: torch.Tensor,
             mask_b: torch.Tensor) -> torch.Tensor:
    """Take ``x_b = inputs[index]`` where ``mask_b`` is True, else ``x_a``.

    Args:
        inputs (torch.Tensor): ``(N, C, H, W)`` batch ``x_a``.
        index (torch.Tensor): ``(N,)`` partner permutation.
        mask_b (torch.Tensor): Bool mask broadcastable to ``(N, 1, H, W)``.

    Returns:
        torch.Tensor: Mixed batch, same dtype/device as ``inputs``.
    """
    return torch.where(mask_b, inputs[index], inputs)


def mix_soft(inputs: torch.Tensor, index: torch.Tensor,
             mask_b: torch.Tensor) -> torch.Tensor:
    """``x_a + m (x_b - x_a)`` with a soft mask in the input dtype.

    Args:
        inputs (torch.Tensor): ``(N, C, H, W)`` batch ``x_a``.
        index (torch.Tensor): ``(N,)`` partner permutation.
        mask_b (torch.Tensor): Float mask in ``[0, 1]`` broadcastable to
            ``(N, 1, H, W)``, already in ``inputs.dtype``.

    Returns:
        torch.Tensor: Mixed batch, same dtype/device as ``inputs``.
    """
    return torch.lerp(inputs, inputs[index], mask_b)


def share_of_a(mask_b: torch.Tensor, per_sample: bool
               ) -> Union[float, torch.Tensor]:
    """Exact share of ``x_a``: ``1 - mean(m)``.

    Args:
        mask_b (torch.Tensor): ``(M, 1, H, W)`` mask (bool or float).
        per_sample (bool): Return a ``(M,)`` float32 tensor; else a float
            (``M`` must be 1).

    Returns:
        float | torch.Tensor: The share of ``x_a``.
    """
    # float32 sums of 0/1 masks are exact up to 2^24 pixels; no float64,
    # which some devices (MPS) lack
    share = 1.0 - mask_b.float().sum(dim=(1, 2, 3)) / float(
        mask_b[0].numel())
    if per_sample:
        return share
    return float(share[0])
