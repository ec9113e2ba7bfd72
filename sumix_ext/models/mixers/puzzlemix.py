r"""PuzzleMix (Kim et al., ICML 2020): a saliency-aware block mask from a
graph cut, then optimal transport of each image's salient blocks into the
region the mask gives it.

Re-implemented from the authors' ``mixup_graph`` (github.com/snu-mllab/
PuzzleMix, ``mixup.py``) and OpenMixup's port
(``openmixup/models/augments/puzzlemix.py``); the maths is in
:mod:`.graphcut` and :mod:`.block_transport`. The saliency (the input
gradient of a clean pass), the adversarial perturbation and the clean loss
need the model: they are the training procedure's
(:mod:`sumix_ext.models.classifiers.procedures.puzzlemix`).
"""
import numbers
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .block_transport import BlockTransport, move_blocks, transport_sources
from .graphcut import GCO_MISSING, gco, graphcut_masks

Scale = Tuple[torch.Tensor, torch.Tensor]


def _number(value, name: str, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not np.isfinite(value) or value < low:
        raise ValueError(f'BatchPuzzleMix: {name} must be a number >= {low}, '
                         f'got {value!r}')
    return float(value)


def _int(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or value < low:
        raise ValueError(f'BatchPuzzleMix: {name} must be an integer >= '
                         f'{low}, got {value!r}')
    return int(value)


def _pixels(inputs: torch.Tensor, scale: Optional[Scale]) -> Scale:
    """``(mean, std)`` as ``(1, C, 1, 1)`` float tensors mapping the batch
    to ``[0, 1]`` intensities (``x * std + mean``); None: the batch is in
    ``[0, 1]`` already."""
    c = inputs.size(1)
    if scale is None:
        scale = (0.0, 1.0)
    out = []
    for v in scale:
        t = torch.as_tensor(v, dtype=torch.float32,
                            device=inputs.device).reshape(-1)
        if t.numel() not in (1, c):
            raise ValueError(f'BatchPuzzleMix: scale needs 1 or {c} values '
                             f'per entry, got {t.numel()}')
        out.append(t.expand(c).reshape(1, c, 1, 1))
    return out[0], out[1]


@BATCH_AUGMENTS.register_module()
class BatchPuzzleMix(BaseMixer):
    r"""PuzzleMix's mixing, given each image's saliency.

    Per batch: :math:`\lambda \sim \mathrm{Beta}(\alpha, \alpha)`, a grid
    ``g`` drawn uniformly from ``block_num`` (block side ``H / g``), the
    graph-cut mask of share-of-``x_a`` labels per block
    (:func:`~.graphcut.graphcut_masks`); then, with ``transport``, each image
    moves its salient blocks into its own region
    (:func:`~.block_transport.transport_sources` on a grid of ``t_size``-pixel
    blocks: ``-1`` = the cut's blocks; a ``t_size`` below the block size
    must divide it), and
    ``x_mix = mask_a * T_a(x_a) + (1 - mask_a) * T_b(x_b)``.

    ``lam`` is the exact share of ``x_a``: the mean of the (upsampled)
    mask, per sample ``(N,)``, as the authors' ``ratio``; transport only
    permutes blocks inside each image, it never changes the mask. The output
    carries ``mask`` = :math:`1 - mask_a` (the share of ``x_b``, 0, 0.5 or 1
    per pixel with 3 labels) and ``transport`` =
    :class:`~.block_transport.BlockTransport`, so
    :func:`~sumix_ext.models.mixers.partner_in_mix` and
    :func:`~sumix_ext.models.mixers.self_in_mix` move any map of the clean
    batch (an object mask, a saliency map) exactly as the pixels moved.
    A destination block that the authors' transport leaves empty is zero in
    the image and in every moved map.

    Call: ``mixer(x, saliency=s, scale=(mean, std))`` with ``s`` ``(N, H,
    W)`` (the procedure: :math:`\sqrt{\mathrm{mean}_c (\partial
    \mathrm{CE} / \partial x)^2}` of a clean pass) and ``scale`` mapping the
    normalised batch to ``[0, 1]`` (the data preprocessor's mean and std
    over 255; the data term and the adversarial clamp work there);
    ``noise=(N, C, H, W)`` in ``[0, 1]`` units, added to ``x_a`` and/or
    ``x_b`` as ``noise_on`` says (the adversarial perturbation). Without a
    saliency it stops with one line: PuzzleMix cannot run as a stock
    mmpretrain batch augment.

    Images must be square, every grid must divide the side, and
    ``neigh_size`` and ``t_size`` each block they are smaller than (the
    authors' code assumes it). At 28 px (the Fashion-MNIST study):
    ``block_num=(2, 4, 7, 14), neigh_size=7, t_size=-1``. Defaults: the
    authors' CIFAR command (README: ``--mixup_alpha 1 --n_labels 3 --eta
    0.2 --beta 1.2 --gamma 0.5 --neigh_size 4 --transport True --t_size 4
    --t_eps 0.8``, grids ``2**randint(1, 5)``), which OpenMixup's CIFAR
    configs copy (``block_num=5`` there means the same grids).

    Args:
        alpha (float): Beta concentration. Defaults to 1.0.
        block_num (int | Sequence[int]): Grid sizes ``g`` to draw from.
            Defaults to (2, 4, 8, 16).
        beta (float): Label smoothness. Defaults to 1.2.
        gamma (float): Data smoothness. Defaults to 0.5.
        eta (float): Prior weight. Defaults to 0.2.
        neigh_size (int): Pooling of the data term. Defaults to 4.
        n_labels (int): Mask levels (2: hard; 3: also half/half).
            Defaults to 3.
        transport (bool): Move salient blocks. Defaults to True.
        t_eps (float): Distance weight of the transport. Defaults to 0.8.
        t_size (int): Transport block side, ``-1`` = the cut's blocks.
            Defaults to 4.
        adv_p (float): Probability of the adversarial perturbation of each
            of ``x_a``, ``x_b`` (procedure). Defaults to 0.0.
        adv_eps (float): Its L-inf radius in 1/255. Defaults to 10.0.
        clean_lam (float): Weight of the clean loss (procedure; 0: the
            saliency pass runs in eval mode and trains nothing). Defaults to
            0.0.
        avoid_self_pair (bool): See :class:`BaseMixer`.
    """

    #: its training procedure (saliency, perturbation, clean loss): see
    #: :mod:`sumix_ext.models.classifiers.procedures`
    procedure = 'puzzlemix'

    def __init__(self, alpha: float = 1.0,
                 block_num: Union[int, Sequence[int]] = (2, 4, 8, 16),
                 beta: float = 1.2, gamma: float = 0.5, eta: float = 0.2,
                 neigh_size: int = 4, n_labels: int = 3,
                 transport: bool = True, t_eps: float = 0.8,
                 t_size: int = 4, adv_p: float = 0.0, adv_eps: float = 10.0,
                 clean_lam: float = 0.0, avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        if gco is None:
            raise ImportError(GCO_MISSING)
        grids = (block_num, ) if isinstance(block_num, numbers.Integral) \
            else tuple(block_num)
        if not grids:
            raise ValueError('BatchPuzzleMix: block_num needs at least one '
                             'grid size, e.g. (2, 4, 8, 16)')
        self.block_num = tuple(_int(g, 'block_num', 2) for g in grids)
        self.beta = _number(beta, 'beta')
        self.gamma = _number(gamma, 'gamma')
        self.eta = _number(eta, 'eta')
        self.neigh_size = _int(neigh_size, 'neigh_size', 1)
        self.n_labels = _int(n_labels, 'n_labels', 2)
        if not isinstance(transport, bool):
            raise ValueError('BatchPuzzleMix: transport must be True or '
                             f'False, got {transport!r}')
        self.transport = transport
        self.t_eps = _number(t_eps, 't_eps')
        if t_size != -1:
            _int(t_size, 't_size (or -1: the graph-cut blocks)', 1)
        self.t_size = int(t_size)
        self.adv_p = _number(adv_p, 'adv_p')
        if self.adv_p > 1:
            raise ValueError(f'BatchPuzzleMix: adv_p is a probability, got '
                             f'{adv_p}')
        self.adv_eps = _number(adv_eps, 'adv_eps')
        self.clean_lam = _number(clean_lam, 'clean_lam')

    # ------------------------------------------------------------- checks
    def check_size(self, h: int, w: int) -> None:
        """Square images, every grid dividing the side, ``neigh_size``
        and ``t_size`` dividing each block they are smaller than; one line
        otherwise."""
        if h != w:
            raise ValueError(f'BatchPuzzleMix: the block grid needs square '
                             f'images, got {h}x{w}; crop or resize them')
        bad = [g for g in self.block_num if w % g]
        if bad:
            raise ValueError(
                f'BatchPuzzleMix: block_num {bad} do not divide the image '
                f'side {w}; use grids that do, e.g. block_num='
                f'{tuple(g for g in (2, 4, 7, 8, 14, 16) if w % g == 0)}')
        bad = [w // g for g in self.block_num
               if (w // g) % min(self.neigh_size, w // g)]
        if bad:
            raise ValueError(
                f'BatchPuzzleMix: neigh_size {self.neigh_size} does not '
                f'divide the block sizes {bad}; use a neigh_size that '
                'divides every block size it is smaller than (e.g. 7 for '
                'blocks of 14, 7, 4 and 2 px)')
        if self.transport and self.t_size != -1:
            bad = [w // g for g in self.block_num
                   if self.t_size < w // g and (w // g) % self.t_size]
            if bad:
                raise ValueError(
                    f'BatchPuzzleMix: t_size {self.t_size} does not divide '
                    f'the block sizes {bad}; use t_size=-1 (the cut\'s '
                    'blocks) or a divisor of every block size')

    # -------------------------------------------------------------- mixing
    def mix(self, inputs: torch.Tensor, lam: float, index: torch.Tensor,
            saliency: torch.Tensor = None, grid: int = 2,
            scale: Optional[Scale] = None,
            noise: Optional[torch.Tensor] = None,
            noise_on: Tuple[bool, bool] = (False, False)) -> MixOutput:
        """Pure mixing for a drawn ``lam``, ``index`` and ``grid``."""
        n, _, _, w = inputs.shape
        block = w // grid
        mean, std = _pixels(inputs, scale)
        x01 = inputs.float() * std + mean
        mask_a = graphcut_masks(saliency, x01, index, grid, lam, self.beta,
                                self.gamma, self.eta, self.neigh_size,
                                self.n_labels)
        xa, xb = inputs, inputs[index]
        if noise is not None and noise_on[0]:
            xa = (((x01 + noise).clamp(0, 1) - mean) / std).to(inputs.dtype)
        if noise is not None and noise_on[1]:
            xb = (((x01 + noise)[index].clamp(0, 1) - mean) / std).to(
                inputs.dtype)
        moved = None
        if self.transport:
            t = block if self.t_size == -1 else min(self.t_size, block)
            unary = F.avg_pool2d(saliency[:, None].float(), t)[:, 0]
            unary = unary / unary.flatten(1).sum(1).clamp(
                min=1e-12)[:, None, None]
            mask_t = F.interpolate(mask_a, size=w // t)  # nearest
            src_a = transport_sources(mask_t[:, 0], unary, self.t_eps)
            src_b = transport_sources(1 - mask_t[:, 0], unary[index],
                                      self.t_eps)
            moved = BlockTransport(src_a, src_b, t)
            xa, xb = move_blocks(xa, src_a, t), move_blocks(xb, src_b, t)
        mask_a = F.interpolate(mask_a, size=w)  # nearest
        m = mask_a.to(inputs.dtype)
        mixed = m * xa + (1 - m) * xb
        return MixOutput(mixed, index, mask_a.flatten(1).mean(1), 1 - mask_a,
                         transport=moved)

    def __call__(self, inputs: torch.Tensor,
                 batch_score: Optional[torch.Tensor] = None,
                 saliency: Optional[torch.Tensor] = None,
                 scale: Optional[Scale] = None,
                 noise: Optional[torch.Tensor] = None,
                 noise_on: Tuple[bool, bool] = (False, False)):
        """Mix a batch (see the class); ``batch_score`` for mmpretrain's
        batch-augment form."""
        if saliency is None:
            raise ValueError(
                'BatchPuzzleMix mixes with the input gradient of the model '
                'being trained (saliency=...), which a batch augment does '
                "not have; use model=dict(type='MixupClassifier', "
                "mixer=dict(type='BatchPuzzleMix')), whose training "
                'procedure computes it')
        self.check_inputs(inputs)
        n, _, h, w = inputs.shape
        self.check_size(h, w)
        if saliency.dim() == 4 and saliency.size(1) == 1:
            saliency = saliency[:, 0]
        if tuple(saliency.shape) != (n, h, w):
            raise ValueError(f'BatchPuzzleMix: saliency must be (N, H, W) = '
                             f'({n}, {h}, {w}), got {tuple(saliency.shape)}')
        if noise is not None and noise.shape != inputs.shape:
            raise ValueError(f'BatchPuzzleMix: noise must be shaped like the '
                             f'batch {tuple(inputs.shape)}, got '
                             f'{tuple(noise.shape)}')
        grid = int(np.random.choice(self.block_num))
        index = self.sample_index(n, inputs.device)
        out = self.mix(inputs, self.sample_lam(), index, saliency.detach(),
                       grid, scale, noise, noise_on)
        if batch_score is None:
            return out
        return self.pack_output(out.inputs, index, out.lam, batch_score)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, block_num='
                f'{self.block_num}, beta={self.beta}, gamma={self.gamma}, '
                f'eta={self.eta}, neigh_size={self.neigh_size}, n_labels='
                f'{self.n_labels}, transport={self.transport}, t_eps='
                f'{self.t_eps}, t_size={self.t_size}, adv_p={self.adv_p}, '
                f'adv_eps={self.adv_eps}, clean_lam={self.clean_lam})')
