r"""GuidedMixup (Kang & Kim, AAAI 2023, "GuidedMixup: An Efficient Mixup
Strategy Guided by Saliency Maps"): every pixel blends the two images in
the ratio of their saliency, and the pairs are chosen so that salient
regions overlap as little as possible.

Re-implemented from the authors' code (github.com/3neutronstar/GuidedMixup:
``mixup.py``/``main.py`` for CIFAR and Tiny-ImageNet,
``FGVC/Implementor/guidedmixup.py``, ``pairing.pyx``), vectorised and
device-agnostic. Saliency: ``'sr'`` (:func:`guided_sr_saliency`, no model)
or ``'ap'`` (:func:`gradient_saliency` of the model being trained, by the
classifier's procedure ``'guidedmix'``). docs/mixers.md ("GuidedMixup")
lists the differences from the authors' code and OpenMixup's port.
"""
import math
import numbers
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .mask_ops import mix_soft, share_of_a
from .saliency_map import _gaussian_kernel, spectral_residual_saliency

GUIDED_TYPES = ('sr', 'ap')
PAIRINGS = ('greedy', 'random')
#: the authors' ``SpectralResidual``: largest map side, its own blur
SR_MAP_SIZE = 128
SR_BLUR = (7, 3.0)


def gaussian_blur(maps: torch.Tensor, size: int, sigma: float
                  ) -> torch.Tensor:
    """Blur ``(N, H, W)`` maps with a ``size x size`` Gaussian of std
    ``sigma`` (reflect padding, as torchvision's ``gaussian_blur`` the
    authors call; replicate where a side is too small to reflect);
    ``size`` 0 or 1: unchanged."""
    if size <= 1:
        return maps
    pad = size // 2
    mode = 'reflect' if min(maps.shape[-2:]) > pad else 'replicate'
    x = F.pad(maps.float()[:, None], (pad, pad, pad, pad), mode=mode)
    return F.conv2d(x, _gaussian_kernel(size, sigma, maps.device))[:, 0]


def guided_sr_saliency(inputs: torch.Tensor) -> torch.Tensor:
    r"""Guided-SR's saliency: the spectral-residual reconstruction
    (:func:`~sumix_ext.models.mixers.spectral_residual_saliency`, on a map
    of at most 128 px as the authors' ``SpectralResidual``), its
    **magnitude** :math:`|\mathcal{F}^{-1}(e^{R + i\arg F})|` (the authors
    take the square root; OpenCV keeps the square), blurred 7x7, sigma 3,
    and resized (bilinear) to the image.

    Args:
        inputs (torch.Tensor): ``(N, C, H, W)`` images.

    Returns:
        torch.Tensor: ``(N, H, W)`` float32 maps, >= 0.
    """
    sal = spectral_residual_saliency(inputs, map_size=SR_MAP_SIZE,
                                     blur_size=1).clamp(min=0).sqrt()
    sal = gaussian_blur(sal, *SR_BLUR)
    if sal.shape[-2:] != inputs.shape[-2:]:
        sal = F.interpolate(sal[:, None], size=inputs.shape[-2:],
                            mode='bilinear', align_corners=False)[:, 0]
    return sal.clamp(min=0)


def gradient_saliency(grad: torch.Tensor) -> torch.Tensor:
    r"""Guided-AP's saliency from the input gradient ``(N, C, H, W)``:
    :math:`\sqrt{\tfrac{1}{C}\sum_c g_c^2}` per pixel (the authors' and
    PuzzleMix's unary), ``(N, H, W)`` float32."""
    return grad.detach().float().pow(2).mean(dim=1).sqrt()


def normalise_saliency(maps: torch.Tensor) -> torch.Tensor:
    """Each ``(H, W)`` map divided by its sum (the authors' ``sumto1``); a
    map with no finite positive mass becomes uniform (the authors' code
    would divide by zero)."""
    maps = torch.nan_to_num(maps.float(), nan=0.0, posinf=0.0).clamp(min=0)
    total = maps.sum(dim=(-2, -1), keepdim=True)
    uniform = torch.full_like(maps, 1.0 / maps[0].numel())
    return torch.where(total > 0, maps / total.clamp(min=1e-30), uniform)


def greedy_pairing(dist: torch.Tensor) -> torch.Tensor:
    r"""The authors' greedy pairing (``onecycle_cover``): one cycle
    through the whole batch that keeps taking the farthest partner.

    Start at the pair :math:`(i, j)` of largest distance (first in
    row-major order), set ``index[i] = j``; from ``j`` take the farthest
    image not yet visited, and so on; the last image is paired with
    :math:`i`. The result is a permutation with no fixed point (``N >=
    2``). A sequential rule of ``N`` steps, each one argmax over a row;
    run in numpy on the CPU as the authors do (the ``N x N`` matrix is
    tiny), returned on ``dist``'s device.

    Args:
        dist (torch.Tensor): ``(N, N)`` distances (larger = farther).

    Returns:
        torch.Tensor: ``(N,)`` long permutation: ``x_b = x[index]``.
    """
    d = dist.detach().float().cpu().numpy().astype(np.float64)
    n = d.shape[0]
    np.fill_diagonal(d, -np.inf)
    index = np.empty(n, dtype=np.int64)
    row, col = divmod(int(np.argmax(d)), n)
    first = row
    index[row] = col
    d[:, row] = -np.inf
    for _ in range(n - 2):
        row = col
        col = int(np.argmax(d[row]))
        index[row] = col
        d[:, row] = -np.inf
    index[col] = first
    return torch.from_numpy(index).to(dist.device)


def saliency_distance(sal: torch.Tensor) -> torch.Tensor:
    """``(N, N)`` L2 distances between the flattened maps ``(N, H, W)``
    (the authors' ``distance_metric='l2'``), computed exactly (no
    matrix-product shortcut, so equal maps are at distance 0)."""
    flat = sal.float().flatten(1)
    return torch.cdist(flat[None], flat[None],
                       compute_mode='donot_use_mm_for_euclid_dist')[0]


def guided_mask(sal: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    r"""The share of ``x_b`` at each pixel,

    .. math::
        m = \frac{S_b}{S_a + S_b}, \qquad S_b = S[\mathrm{index}]

    from normalised maps :math:`S` (:func:`normalise_saliency`); 0.5 where
    both are 0. ``x_mix = (1 - m) x_a + m x_b`` and ``lam = mean(1 - m)``
    (the authors' ``mask_a`` and ``lam_a``).

    Args:
        sal (torch.Tensor): ``(N, H, W)`` normalised maps.
        index (torch.Tensor): ``(N,)`` permutation.

    Returns:
        torch.Tensor: ``(N, 1, H, W)`` float32 mask in ``[0, 1]``.
    """
    s_a, s_b = sal.float(), sal.float()[index]
    total = s_a + s_b
    mask = torch.where(total > 0, s_b / total.clamp(min=1e-30),
                       torch.full_like(total, 0.5))
    return mask[:, None]


@BATCH_AUGMENTS.register_module()
class BatchGuidedMix(BaseMixer):
    r"""GuidedMixup: a per-pixel blend in the ratio of the two saliency
    maps, the pairs chosen to keep salient regions apart.

    With probability ``prob`` per batch (the authors' ``--mix_prob``; else
    the batch is not mixed: ``lam = 1``, an all-zero mask), the saliency
    map of each image (``guided_type``) is blurred (``blur_size`` x
    ``blur_size``, std ``blur_sigma``) and divided by its sum, giving
    :math:`S`; images are paired by :func:`greedy_pairing` on the L2
    distance of these maps (``pairing='greedy'``) or at random; then
    :math:`m = S_b / (S_a + S_b)` (:func:`guided_mask`),
    ``x_mix = (1 - m) x_a + m x_b`` and ``lam_i = mean(1 - m_i)``, a
    ``(N,)`` tensor (the authors' label); the mask (share of ``x_b``) is
    reported, for SUMix's share ratios, the oracle and the fidelity tool.
    With ``guided_type='ap'`` the mixer names the procedure ``'guidedmix'``
    (:attr:`procedure`), which takes the input gradient and calls
    :meth:`mix_with`; called on its own it stops with one line.

    Args:
        guided_type (str): ``'sr'`` (default) or ``'ap'``.
        prob (float): Probability of mixing a batch. Defaults to 1.0 (the
            authors' default; their CIFAR/Tiny-ImageNet runs use 0.5 for
            SR and 0.8 for AP).
        pairing (str): ``'greedy'`` (default, the paper's) or ``'random'``.
        blur_size (int): Gaussian kernel size of the saliency blur (odd;
            0: none). Defaults to 7 (the authors').
        blur_sigma (float): Its std. Defaults to 3.0 (the authors').
        clean_lam (float): ``'ap'`` only: weight of the clean batch's
            cross-entropy in the loss (the authors' ``--clean_lam``: 0 for
            CIFAR-100, 1 for Tiny-ImageNet). Defaults to 0.
        avoid_self_pair (bool): ``pairing='random'`` only (the greedy cycle
            never pairs an image with itself).
    """

    def __init__(self, guided_type: str = 'sr', prob: float = 1.0,
                 pairing: str = 'greedy', blur_size: int = 7,
                 blur_sigma: float = 3.0, clean_lam: float = 0.0,
                 avoid_self_pair: bool = False):
        super().__init__(1.0, avoid_self_pair)
        name = type(self).__name__
        if guided_type not in GUIDED_TYPES:
            raise ValueError(f"{name}: guided_type must be 'sr' (spectral "
                             "residual, no model) or 'ap' (input gradient "
                             f'of the model), got {guided_type!r}')
        if pairing not in PAIRINGS:
            raise ValueError(f'{name}: pairing must be one of {PAIRINGS}, '
                             f'got {pairing!r}')
        self.guided_type, self.pairing = guided_type, pairing
        self.prob = _number(prob, 'prob', 0.0, 1.0, name)
        if isinstance(blur_size, bool) or not isinstance(
                blur_size, int) or blur_size < 0 or (
                    blur_size > 1 and blur_size % 2 == 0):
            raise ValueError(f'{name}: blur_size must be an odd int or 0 (no '
                             f'blur), got {blur_size!r}; the authors use 7')
        self.blur_size = blur_size
        self.blur_sigma = _number(blur_sigma, 'blur_sigma', 0.0, math.inf,
                                  name)
        if self.blur_sigma == 0:
            raise ValueError(f'{name}: blur_sigma must be > 0, got '
                             f'{blur_sigma!r}; the authors use 3.0')
        self.clean_lam = _number(clean_lam, 'clean_lam', 0.0, math.inf, name)
        if self.clean_lam > 0 and guided_type != 'ap':
            raise ValueError(f"{name}: clean_lam weights the clean pass of "
                             f"guided_type='ap'; Guided-SR has none (got "
                             f'clean_lam={clean_lam}); set clean_lam=0')

    @property
    def procedure(self) -> Optional[str]:
        """``'guidedmix'`` with ``guided_type='ap'`` (the saliency needs the
        model), None for ``'sr'`` (a plain mixer)."""
        return 'guidedmix' if self.guided_type == 'ap' else None

    def draw_mix(self) -> bool:
        """Whether this batch is mixed (probability :attr:`prob`)."""
        return self.prob >= 1.0 or bool(np.random.rand() < self.prob)

    @staticmethod
    def unmixed(inputs: torch.Tensor) -> MixOutput:
        """The batch left as it is: identity pairing, ``lam = 1``, an
        all-zero mask (a mix with nothing pasted)."""
        n, _, h, w = inputs.shape
        return MixOutput(inputs, torch.arange(n, device=inputs.device), 1.0,
                         inputs.new_zeros(1, 1, h, w))

    def mix_with(self, inputs: torch.Tensor,
                 saliency: torch.Tensor) -> MixOutput:
        """Mix ``inputs`` guided by raw saliency maps ``(N, H, W)`` (blur,
        normalisation, pairing, mask)."""
        self.check_inputs(inputs)
        n, _, h, w = inputs.shape
        if not isinstance(saliency, torch.Tensor) or tuple(
                saliency.shape) != (n, h, w):
            shape = tuple(getattr(saliency, 'shape', ()))
            raise ValueError(f'{type(self).__name__}: saliency must be '
                             f'(N, H, W) = {(n, h, w)}, got {shape}')
        sal = normalise_saliency(gaussian_blur(
            saliency.to(inputs.device), self.blur_size, self.blur_sigma))
        if self.pairing == 'greedy':
            index = greedy_pairing(saliency_distance(sal))
        else:
            index = self.sample_index(n, inputs.device)
        mask_b = guided_mask(sal, index).to(inputs.dtype)
        return MixOutput(mix_soft(inputs, index, mask_b), index,
                         share_of_a(mask_b, per_sample=True), mask_b)

    def __call__(self, inputs: torch.Tensor,
                 batch_score: Optional[torch.Tensor] = None):
        """Guided-SR on a batch (both call forms of :class:`BaseMixer`)."""
        self.check_inputs(inputs)
        if self.guided_type == 'ap':
            raise ValueError(
                "BatchGuidedMix(guided_type='ap') mixes by the input "
                "gradient of the model being trained (procedure "
                "'guidedmix'): use it as model.mixer of MixupClassifier, or "
                "guided_type='sr' (no model) elsewhere")
        if self.draw_mix():
            with torch.no_grad():
                out = self.mix_with(inputs, guided_sr_saliency(inputs))
        else:
            out = self.unmixed(inputs)
        if batch_score is None:
            return out
        return self.pack_output(out.inputs, out.index, out.lam, batch_score)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(guided_type={self.guided_type!r}, '
                f'prob={self.prob}, pairing={self.pairing!r}, blur_size='
                f'{self.blur_size}, blur_sigma={self.blur_sigma}, '
                f'clean_lam={self.clean_lam}, avoid_self_pair='
                f'{self.avoid_self_pair})')


def _number(value, name: str, low: float, high: float, owner: str) -> float:
    """A finite real in ``[low, high]`` as a float, else one line."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or (
            not math.isfinite(float(value))) or not (
                low <= float(value) <= high):
        bound = f'>= {low}' if high == math.inf else f'in [{low}, {high}]'
        raise ValueError(f'{owner}: {name} must be a number {bound}, got '
                         f'{value!r}')
    return float(value)


__all__ = ['BatchGuidedMix', 'guided_sr_saliency', 'gradient_saliency',
           'normalise_saliency', 'greedy_pairing', 'saliency_distance',
           'guided_mask', 'gaussian_blur']
