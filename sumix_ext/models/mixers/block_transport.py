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
* ``g`` rounds of: every source block picks its cheapest destination; a
  destination goes to the cheapest of its pickers, but a block that did not
  pick it counts 0 there (the authors take the ``argmin`` of ``picks *
  cost``), so a destination whose pickers all cost 0 or more goes to the
  lowest row index, which may be a block that did not pick it: then nobody
  wins it. Each loser's cost of its pick grows by 1. The winners of the
  last round are the plan.

The plan is a partial permutation: each destination receives at most one
source block and each block goes to at most one destination. A destination
that no block won stays **empty** (zeros, i.e. the mean colour of a
normalised image), as in the authors' ``transport_image``: always harmless
where the mask hides the image; where it shows it, only a block of exactly
zero saliency that no salient block claims (a cost of exactly 0, lost on
the tie), which an input gradient practically never gives. The plan is kept
as ``src`` ``(N, T)`` (:func:`transport_sources`): the source block of
every destination, ``-1`` for empty; :func:`move_blocks` applies it to
images and to any per-pixel map of them (object masks, saliency, CAMs), so
a mix's truth follows its pixels (:class:`BlockTransport`, carried by
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


def transport_sources(show: torch.Tensor, saliency: torch.Tensor,
                      eps: float) -> torch.Tensor:
    """The authors' transport plan (module docstring) for a batch, as the
    source block of every destination.

    Each round is the authors' (every block picks its cheapest destination
    by ``argmin``, first index on ties; each destination goes to the
    ``argmin`` of its column of ``picks * cost``, where a non-picking row
    counts 0), computed without the dense ``(N, T, T)`` pick and fight
    matrices: per column, the cheapest pick and the first row reaching it,
    and the first row that did not pick it; a tie with a non-picker's 0
    goes to the lower row, as ``argmin``.

    Args:
        show (torch.Tensor): ``(N, g, g)`` where the mask shows the image
            (``> 0`` counts, as the authors' ``mask > 0``).
        saliency (torch.Tensor): ``(N, g, g)`` block saliency (the
            normalised unary term).
        eps (float): Weight of the distance cost (``t_eps``).

    Returns:
        torch.Tensor: ``(N, T)`` long, the source block of every
        destination (``-1``: none), ``T = g * g``.
    """
    n, g = show.size(0), show.size(-1)
    t = g * g
    z = (show > 0).float().reshape(n, 1, t)
    cost = eps * block_cost(g, show.device)[None] - saliency.float(
    ).reshape(n, t, 1) * z
    rows = torch.arange(t, device=show.device).expand(n, t)
    flat = cost.view(n * t, t)
    pick = cost.argmin(-1)  # (N, T): each row's destination
    lost = torch.zeros_like(pick, dtype=torch.bool)
    for r in range(g):  # g rounds, as the authors (not a per-sample loop)
        if r:  # only a loser's costs changed: only its pick can change
            again = lost.flatten().nonzero()[:, 0]
            pick.view(-1)[again] = flat[again].argmin(-1)
        value = cost.gather(-1, pick[..., None])[..., 0]
        low = torch.full_like(value, float('inf')).scatter_reduce(
            1, pick, value, 'amin')  # cheapest pick per column
        first = torch.full_like(pick, t).scatter_reduce(
            1, pick, torch.where(value == low.gather(1, pick), rows,
                                 torch.full_like(rows, t)), 'amin')
        count = torch.zeros_like(pick).scatter_add(1, pick,
                                                   torch.ones_like(pick))
        # the first row that did not pick column j: 0 unless row 0 did
        differs = pick != pick[:, :1]
        other = torch.where(differs.any(1), differs.float().argmax(1),
                            torch.full_like(pick[:, 0], t))
        non_picker = torch.zeros_like(pick).scatter(1, pick[:, :1],
                                                    other[:, None])
        won = (count > 0) & ((low < 0) | (count == t) |
                             ((low == 0) & (first < non_picker)))
        src = torch.where(won, first, torch.full_like(first, -1))
        lost = src.gather(1, pick) != rows
        cost.scatter_add_(-1, pick[..., None], lost.float()[..., None])
    return src


def transport_plan(show: torch.Tensor, saliency: torch.Tensor,
                   eps: float) -> torch.Tensor:
    """:func:`transport_sources` as the authors' dense ``(N, T, T)`` 0/1
    plan, ``plan[n, i, j] = 1`` when block ``i`` moves to ``j``."""
    src = transport_sources(show, saliency, eps)
    n, t = src.shape
    plan = torch.zeros(n, t + 1, t, device=src.device)
    plan.scatter_(1, torch.where(src < 0, t, src)[:, None], 1)
    return plan[:, :t]


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
