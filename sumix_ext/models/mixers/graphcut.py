r"""PuzzleMix's block-wise mask: a multi-label graph cut (Kim et al., ICML
2020; ``mixup_graph`` / ``graphcut_multi`` / ``neigh_penalty`` of
github.com/snu-mllab/PuzzleMix, as OpenMixup ports them).

On a ``g x g`` grid of blocks, label :math:`l \in \{0, \dots, L-1\}` of a
block means a share :math:`1 - l/(L-1)` of ``x_a`` there (``L =
n_labels``; 3: ``x_a``, half/half, ``x_b``). The energy, minimised by
alpha-beta swaps (``gco``, one sample at a time on the CPU: the only
per-sample loop of PuzzleMix):

* **unary**: showing ``x_a`` at a block costs ``x_b``'s saliency hidden
  there and vice versa, :math:`(1 - w_l) u_b + w_l u_a` with
  :math:`w_l = l/(L-1)`, where :math:`u` is the saliency average-pooled to
  the grid and normalised to sum 1 per image; plus the **prior**
  :math:`\frac{\eta}{g^2}(-\log p_l)`, :math:`p_l` the binomial probability
  :math:`\binom{L-1}{l}\lambda^{L-1-l}(1-\lambda)^l` of the drawn
  :math:`\lambda` (pulls the share of ``x_a`` towards :math:`\lambda`);
* **pairwise** between neighbouring blocks: a label-smoothness weight
  :math:`\beta' = \beta / (16 g)` times :math:`(l - l')^2/(L-1)^2`, plus
  the data term :math:`\beta'\gamma` times the mean absolute intensity jump
  (images in ``[0, 1]``, pooled by ``neigh_size``) across the shared
  border for each choice of sources, split exactly into unary and pairwise
  parts (:func:`graphcut_terms`).

Costs are scaled by ``1000 g^2`` and truncated to integers as in the
authors' code (same dtypes handed to ``gco``, same optimum).
"""
import math
from typing import Tuple

import numpy as np
import torch
import torch.nn.functional as F

try:
    import gco
except ImportError:  # an optional dependency: BatchPuzzleMix says so
    gco = None

GCO_MISSING = ('BatchPuzzleMix needs the graph-cut package gco-wrapper '
               "(imports as gco): pip install 'gco-wrapper>=3.0.8' (or "
               "sumix_ext[puzzlemix])")


def neighbour_penalty(top: torch.Tensor, bottom: torch.Tensor,
                      k: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Mean absolute intensity jump across each block border.

    Args:
        top (torch.Tensor): ``(N, C, h, w)`` pooled image on the upper/left
            side of the border.
        bottom (torch.Tensor): The image on the lower/right side.
        k (int): Pooled cells per block side.

    Returns:
        tuple: ``(vertical (N, g-1, g), horizontal (N, g, g-1))``: between
        block rows ``r, r+1`` and block columns ``c, c+1``.
    """
    dv = (top[:, :, :-1, :] - bottom[:, :, 1:, :])[:, :, k - 1::k, :]
    dh = (top[:, :, :, :-1] - bottom[:, :, :, 1:])[:, :, :, k - 1::k]
    return (F.avg_pool2d(dv.abs().mean(1), kernel_size=(1, k)),
            F.avg_pool2d(dh.abs().mean(1), kernel_size=(k, 1)))


def graphcut_terms(saliency: torch.Tensor, images01: torch.Tensor,
                   index: torch.Tensor, grid: int, beta: float,
                   gamma: float, neigh_size: int):
    r"""Unary and pairwise terms of the graph cut for a batch (vectorised).

    With :math:`E_{st}` the border jump when the upper/left block shows
    source :math:`s` and the lower/right one :math:`t` (1 = ``x_a``, 0 =
    ``x_b``), scaled by :math:`\beta'\gamma`, the pairwise energy is
    :math:`E_{st} = U_{top}(s) + U_{bottom}(t) + w [s \ne t]` up to a
    constant, with :math:`U(1) \mathrel{+}= (E_{1\cdot} + E_{11})/2`,
    :math:`U(0) \mathrel{+}= (E_{0\cdot} + E_{00})/2` and the edge weight
    :math:`w = (E_{10} + E_{01} - E_{11} - E_{00})/2`.

    Args:
        saliency (torch.Tensor): ``(N, H, W)`` saliency of ``x``.
        images01 (torch.Tensor): ``(N, C, H, W)`` images in ``[0, 1]``.
        index (torch.Tensor): ``(N,)`` partners, ``x_b = x[index]``.
        grid (int): Blocks per side ``g``.
        beta (float): Label smoothness (before the ``1 / (16 g)``).
        gamma (float): Data smoothness.
        neigh_size (int): Pooling of the data term (at most the block).

    Returns:
        tuple: ``(cost_a, cost_b, edge_v, edge_h)``: ``(N, g, g)`` costs of
        showing ``x_a`` / ``x_b`` at each block, ``(N, g-1, g)`` and
        ``(N, g, g-1)`` edge weights (without the smoothness ``beta'``).
    """
    w = saliency.size(-1)
    block = w // grid
    neigh = min(neigh_size, block)
    scale = beta / grid / 16 * gamma
    pool = F.avg_pool2d(saliency[:, None].float(), block)[:, 0]
    unary_a = pool / pool.flatten(1).sum(1).clamp(min=1e-12)[:, None, None]
    unary_b = unary_a[index]
    pooled_a = F.avg_pool2d(images01.float(), neigh)
    pooled_b = pooled_a[index]
    k = block // neigh
    src = {1: pooled_a, 0: pooled_b}
    ev, eh = {}, {}
    for s in (0, 1):
        for t in (0, 1):
            v, h = neighbour_penalty(src[s], src[t], k)
            ev[s, t], eh[s, t] = scale * v, scale * h
    cost_a, cost_b = unary_b.clone(), unary_a.clone()
    cost_a[:, :-1, :] += (ev[1, 0] + ev[1, 1]) / 2
    cost_b[:, :-1, :] += (ev[0, 1] + ev[0, 0]) / 2
    cost_a[:, 1:, :] += (ev[0, 1] + ev[1, 1]) / 2
    cost_b[:, 1:, :] += (ev[1, 0] + ev[0, 0]) / 2
    cost_a[:, :, :-1] += (eh[1, 0] + eh[1, 1]) / 2
    cost_b[:, :, :-1] += (eh[0, 1] + eh[0, 0]) / 2
    cost_a[:, :, 1:] += (eh[0, 1] + eh[1, 1]) / 2
    cost_b[:, :, 1:] += (eh[1, 0] + eh[0, 0]) / 2
    edge_v = (ev[1, 0] + ev[0, 1] - ev[1, 1] - ev[0, 0]) / 2
    edge_h = (eh[1, 0] + eh[0, 1] - eh[1, 1] - eh[0, 0]) / 2
    return cost_a, cost_b, edge_v, edge_h


def label_prior(lam: float, n_labels: int, eps: float = 1e-8) -> np.ndarray:
    r""":math:`-\log p_l`, :math:`p_l = \binom{L-1}{l} \lambda^{L-1-l}
    (1-\lambda)^l` (the authors' table for ``L`` = 2, 3, 4)."""
    m = n_labels - 1
    return np.array([-np.log(math.comb(m, i) * lam**(m - i) *
                             (1 - lam)**i + eps) for i in range(n_labels)])


#: gco's largest energy term (``GCO_MAX_ENERGYTERM``); past it gco aborts
#: the whole process
GCO_MAX_ENERGYTERM = 10**7


def check_energy(unary: np.ndarray, ev: np.ndarray, eh: np.ndarray,
                 pairwise: np.ndarray) -> None:
    """One line instead of gco's abort of the whole process when a term of
    the integer energy passes :data:`GCO_MAX_ENERGYTERM` (e.g. a very large
    ``beta`` or ``gamma``); checked on the float costs in Python floats,
    before any int32 cast could wrap them."""
    biggest = float(np.abs(unary).max(initial=0))
    edges = float(max(np.abs(ev).max(initial=0), np.abs(eh).max(initial=0)))
    edge_term = edges * float(np.abs(pairwise).max(initial=0))
    if max(biggest, edge_term) >= GCO_MAX_ENERGYTERM:
        raise ValueError(
            'BatchPuzzleMix: graph-cut costs too large for gco (largest '
            f'unary {biggest:.0f}, edge term {edge_term:.0f}, limit '
            f'{GCO_MAX_ENERGYTERM}); lower beta or gamma')


def graphcut_mask(cost_a: np.ndarray, cost_b: np.ndarray,
                  edge_v: np.ndarray, edge_h: np.ndarray, lam: float,
                  smooth: float, eta: float, n_labels: int) -> np.ndarray:
    """One sample's optimal labelling (alpha-beta swap, ``gco``).

    Args:
        cost_a, cost_b (np.ndarray): ``(g, g)`` float32 costs of showing
            ``x_a`` / ``x_b`` (:func:`graphcut_terms`).
        edge_v, edge_h (np.ndarray): ``(g-1, g)``, ``(g, g-1)`` float32
            data-term edge weights.
        lam (float): The drawn ratio (the prior).
        smooth (float): Label smoothness ``beta / (16 g)``.
        eta (float): Prior weight.
        n_labels (int): Labels ``L`` (2: hard mask; 3: also half/half).

    Returns:
        np.ndarray: ``(g, g)`` share of ``x_a`` per block, in
        ``{0, 1/(L-1), ..., 1}``.
    """
    if gco is None:
        raise ImportError(GCO_MISSING)
    g = cost_a.shape[0]
    large = 1000 * g**2
    prior = eta * label_prior(lam, n_labels) / g**2
    weights = np.linspace(0, 1, n_labels)
    # The energy is the authors' times (L-1)^2, all in integers: their
    # pairwise (i-j)^2/(L-1)^2 is float, which makes gco scale the int32
    # unary by 1e5 and wrap it past 2^31 (large saliency peaks at fine
    # grids); scaling unary and edges alike keeps the same minimiser
    # exactly and gco in integer mode (a test checks the optimum).
    k = (n_labels - 1) ** 2
    unary = large * np.stack([(1 - wl) * cost_a + wl * cost_b + prior[i]
                              for i, wl in enumerate(weights)], axis=-1)
    lab = np.arange(n_labels)
    pairwise = (lab[:, None] - lab[None]) ** 2
    ev = large * (edge_v + smooth)
    eh = large * (edge_h + smooth)
    check_energy(unary * k, ev, eh, pairwise)
    # the authors' int32 truncation of each cost, then the factor k
    unary = unary.astype(np.int64) * k
    unary, ev, eh, pairwise = (a.astype(np.int32)
                               for a in (unary, ev, eh, pairwise))
    labels = gco.cut_grid_graph(unary, pairwise, ev, eh, algorithm='swap')
    return 1.0 - labels.reshape(g, g) / (n_labels - 1)


def graphcut_masks(saliency: torch.Tensor, images01: torch.Tensor,
                   index: torch.Tensor, grid: int, lam: float, beta: float,
                   gamma: float, eta: float, neigh_size: int,
                   n_labels: int) -> torch.Tensor:
    """The batch's block masks: terms in torch (vectorised), then
    :func:`graphcut_mask` per sample on the CPU.

    Returns:
        torch.Tensor: ``(N, 1, g, g)`` float32 share of ``x_a`` per block,
        on the device of ``saliency``.
    """
    terms = [t.detach().cpu().numpy() for t in graphcut_terms(
        saliency, images01, index, grid, beta, gamma, neigh_size)]
    smooth = beta / grid / 16
    masks = [graphcut_mask(*(t[i] for t in terms), lam, smooth, eta,
                           n_labels) for i in range(saliency.size(0))]
    return torch.as_tensor(np.stack(masks), dtype=torch.float32,
                           device=saliency.device)[:, None]
