r"""Optimal transport of image blocks (PuzzleMix, Kim et al., ICML 2020).

PuzzleMix moves each image's salient blocks into the region where its mask
shows that image. The plan is the authors' approximate solver
(``mask_transport`` of github.com/snu-mllab/PuzzleMix, ported unchanged by
OpenMixup), re-implemented here vectorised over the batch:

* grid of ``g x g`` blocks, row-major block index :math:`t = r g + c`;
* cost of moving block :math:`i` to block :math:`j`,
  :math:`c_{ij} = \epsilon\,d_{ij} - s_i z_j` with :math:`d_{ij}` the
  squared distance of the two blocks' grid positions over
  :math:`(g - 1)^2` (:func:`block_cost`), :math:`s_i` block :math:`i`'s
  saliency and :math:`z_j = 1` where the mask shows the image;
* ``g`` rounds of: every source block picks its cheapest destination; where
  several pick one, the cheapest of them wins (ties and a destination whose
  pickers all cost more than 0 go to the lowest row index, which may be a
  block that did not pick it: then nobody wins it, as in the authors' code);
  each loser's cost of that destination grows by 1.
  The winners of the last round are the plan.

The plan is a partial permutation: each destination receives at most one
source block and each block goes to at most one destination; a destination
that no block won stays **empty** (zeros, i.e. the mean colour of a
normalised image), as in the authors' ``transport_image``. The plan is kept
as ``src`` ``(N, T)``: the source block of every destination, ``-1`` for
empty; :func:`move_blocks` applies it to images and to any per-pixel map of
them (object masks, saliency, CAMs), so a mix's truth follows its pixels
(:class:`BlockTransport`, carried by
:class:`~sumix_ext.models.mixers.MixOutput`).
"""
from typing import NamedTuple

import torch


class BlockTransport(NamedTuple):
    """How a PuzzleMix mix moved the blocks of ``x_a`` and ``x_b``.

    Attributes:
        src_a (torch.Tensor): ``(N, T)`` long: for every destination block
            of ``x_a``'s transported image, its source block in ``x_a``
            (``-1``: empty), ``T = g * g`` row-major.
        src_b (torch.Tensor): The same for ``x_b = x[index]``.
        block (int): Block side in pixels (``g = H / block``).
    """
    src_a: torch.Tensor
    src_b: torch.Tensor
    block: int

    def place_a(self, maps: torch.Tensor) -> torch.Tensor:
        """``maps`` ``(N, C, H, W)`` of ``x_a`` moved as ``x_a`` was."""
        return move_blocks(maps, self.src_a, self.block)

    def place_b(self, maps: torch.Tensor) -> torch.Tensor:
        """``maps`` ``(N, C, H, W)`` of ``x_b`` (already indexed by
        ``index``) moved as ``x_b`` was."""
        return move_blocks(maps, self.src_b, self.block)


def block_cost(grid: int, device=None) -> torch.Tensor:
    """``(T, T)`` squared grid distances of the ``grid x grid`` blocks over
    ``(grid - 1)^2`` (the authors' ``cost_matrix``), built without loops."""
    t = torch.arange(grid * grid, device=device)
    r, c = t // grid, t % grid
    d = (r[:, None] - r[None]) ** 2 + (c[:, None] - c[None]) ** 2
    return d.float() / max(grid - 1, 1) ** 2


def transport_plan(show: torch.Tensor, saliency: torch.Tensor,
                   eps: float) -> torch.Tensor:
    """The authors' transport plan (module docstring), for a batch.

    Args:
        show (torch.Tensor): ``(N, g, g)`` where the mask shows the image
            (``> 0`` counts, as the authors' ``mask > 0``).
        saliency (torch.Tensor): ``(N, g, g)`` block saliency (the
            normalised unary term).
        eps (float): Weight of the distance cost (``t_eps``).

    Returns:
        torch.Tensor: ``(N, T, T)`` float 0/1 plan, ``plan[n, i, j] = 1``
        when block ``i`` moves to ``j``; at most one 1 per row and column.
    """
    n, g = show.size(0), show.size(-1)
    z = (show > 0).float().reshape(n, 1, g * g)
    cost = eps * block_cost(g, show.device)[None] - saliency.float(
    ).reshape(n, g * g, 1) * z
    win = torch.zeros_like(cost)
    for _ in range(g):  # g rounds, as the authors (not a per-sample loop)
        pick = torch.zeros_like(cost).scatter_(
            -1, cost.argmin(-1, keepdim=True), 1)
        best = (pick * cost).argmin(-2, keepdim=True)
        win = torch.zeros_like(cost).scatter_(-2, best, 1) * pick
        cost = cost + (pick - win)
    return win


def plan_sources(plan: torch.Tensor) -> torch.Tensor:
    """``(N, T)`` long source block of every destination of ``plan``
    (``-1`` where no block arrives)."""
    src = plan.argmax(dim=1)
    return torch.where(plan.sum(dim=1) > 0, src, torch.full_like(src, -1))


def move_blocks(maps: torch.Tensor, src: torch.Tensor,
                block: int) -> torch.Tensor:
    """Move the ``block x block`` blocks of ``maps`` by ``src``.

    Destination ``j`` of sample ``n`` gets block ``src[n, j]`` of
    ``maps[n]`` (all channels), zeros where ``src[n, j] = -1``. Exact (a
    gather, no arithmetic), any dtype.

    Args:
        maps (torch.Tensor): ``(N, C, H, W)``, ``H = W = g * block``.
        src (torch.Tensor): ``(N, g * g)`` long, from :func:`plan_sources`.
        block (int): Block side in pixels.

    Returns:
        torch.Tensor: ``(N, C, H, W)``, same dtype and device.
    """
    n, c, h, w = maps.shape
    gh, gw = h // block, w // block
    if gh * block != h or gw * block != w or src.shape != (n, gh * gw):
        raise ValueError(
            f'move_blocks: maps {tuple(maps.shape)} do not split into '
            f'{block}-pixel blocks matching a plan of shape '
            f'{tuple(src.shape)}')
    blocks = maps.reshape(n, c, gh, block, gw, block).permute(
        0, 1, 2, 4, 3, 5).reshape(n, c, gh * gw, block, block)
    idx = src.to(maps.device).clamp(min=0)[:, None, :, None, None].expand(
        n, c, gh * gw, block, block)
    moved = blocks.gather(2, idx)
    keep = (src.to(maps.device) >= 0)[:, None, :, None, None]
    moved = torch.where(keep, moved, torch.zeros_like(moved))
    return moved.reshape(n, c, gh, gw, block, block).permute(
        0, 1, 2, 4, 3, 5).reshape(n, c, h, w)
