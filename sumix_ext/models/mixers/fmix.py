"""FMix (Harris et al., 2020, "FMix: Enhancing Mixed Sample Data
Augmentation", arXiv:2002.12047)."""

import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .mask_ops import mix_hard, mix_soft, share_of_a


def low_freq_images(m: int, h: int, w: int, decay_power: float,
                    device=None) -> torch.Tensor:
    r"""``m`` random low-frequency grey images of size ``h x w``.

    A complex Gaussian spectrum on the rFFT grid, scaled by
    :math:`1 / \max(f, 1/\max(h, w))^{d}` with :math:`f` the radial
    frequency and :math:`d` = ``decay_power``, then ``irfft2``.

    Args:
        m (int): Number of images.
        h (int): Height.
        w (int): Width.
        decay_power (float): Spectral decay; larger = smoother masks.
        device: Device.

    Returns:
        torch.Tensor: ``(m, h, w)`` float32.
    """
    fy = torch.fft.fftfreq(h, device=device)[:, None]
    fx = torch.fft.rfftfreq(w, device=device)[None, :]
    freqs = torch.sqrt(fy * fy + fx * fx)
    scale = freqs.clamp(min=1.0 / max(h, w)).pow(-decay_power)
    spec = torch.randn(m, h, w // 2 + 1, 2, device=device)
    spec = torch.view_as_complex(spec) * scale
    return torch.fft.irfft2(spec, s=(h, w))


def binarise_by_rank(grey: torch.Tensor, lam: float,
                     max_soft: float = 0.0) -> torch.Tensor:
    r"""Masks whose top-``round(lam*HW)`` pixels are 1 (the ``x_a`` part).

    Pixels are ranked by value per image (rank 0 = largest). With
    :math:`k = \mathrm{round}(\lambda HW)` and
    :math:`s = \lfloor HW \min(\text{max\_soft}, \lambda, 1-\lambda) \rfloor`,
    ranks ``< k - s`` are 1, ranks ``>= k + s`` are 0 and the ``2s`` ranks in
    between ramp linearly from 1 to 0, so the mask sums to exactly ``k``
    for any ``max_soft``.

    Args:
        grey (torch.Tensor): ``(M, H, W)`` images.
        lam (float): Target share of ones.
        max_soft (float): Softening, 0 for hard masks.

    Returns:
        torch.Tensor: ``(M, 1, H, W)`` float32 share of ``x_a``.
    """
    m, h, w = grey.shape
    n = h * w
    k = int(round(lam * n))
    soft = int(n * min(max_soft, lam, 1 - lam)) if max_soft > 0 else 0
    order = grey.reshape(m, n).argsort(dim=1, descending=True)
    ranks = torch.empty_like(order)
    ranks.scatter_(1, order,
                   torch.arange(n, device=grey.device).expand(m, n))
    if soft == 0:
        mask = (ranks < k).float()
    else:
        # linspace(1, 0, 2s) on ranks k-s .. k+s-1: sums to s
        ramp = 1.0 - (ranks - (k - soft)).float() / (2 * soft - 1)
        mask = ramp.clamp(0.0, 1.0)
    return mask.view(m, 1, h, w)


@BATCH_AUGMENTS.register_module()
class BatchFMix(BaseMixer):
    r"""FMix: a binarised low-frequency Fourier mask.

    Draw :math:`\lambda \sim \mathrm{Beta}(\alpha, \alpha)`, a random
    low-frequency image (:func:`low_freq_images`) and keep ``x_a`` on its
    top :math:`k = \mathrm{round}(\lambda HW)` pixels
    (:func:`binarise_by_rank`):

    .. math::
        x_{mix} = M \odot x_a + (1 - M) \odot x_b, \qquad
        \lambda_{exact} = \frac{\sum M}{HW} = \frac{k}{HW}

    exact to a pixel (|lam_exact - lam| <= 1 / (2HW)), also with ``max_soft``.

    Args:
        alpha (float): Beta concentration. Defaults to 0.2 (SUMix paper).
        decay_power (float): Spectral decay. Defaults to 3.
        max_soft (float): Soft edge width as a share of the image, 0 (default)
            gives hard masks.
        per_sample (bool): One mask per sample (same ``lam``) instead of one
            mask for the batch (the reference). Defaults to False.
        avoid_self_pair (bool): Never pair a sample with itself.
    """

    def __init__(self, alpha: float = 0.2, decay_power: float = 3.0,
                 max_soft: float = 0.0, per_sample: bool = False,
                 avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        if decay_power <= 0:
            raise ValueError(f'BatchFMix: decay_power must be > 0, got '
                             f'{decay_power}; the paper uses 3')
        if not 0.0 <= max_soft < 0.5:
            raise ValueError(f'BatchFMix: max_soft must be in [0, 0.5), got '
                             f'{max_soft}; use 0 for hard masks')
        self.decay_power = float(decay_power)
        self.max_soft = float(max_soft)
        self.per_sample = bool(per_sample)

    def mix(self, inputs: torch.Tensor, lam: float, index: torch.Tensor
            ) -> MixOutput:
        n, _, h, w = inputs.shape
        grey = low_freq_images(n if self.per_sample else 1, h, w,
                               self.decay_power, inputs.device)
        mask_a = binarise_by_rank(grey, lam, self.max_soft)
        if self.max_soft == 0:
            mask_b = mask_a < 0.5
            mixed = mix_hard(inputs, index, mask_b)
        else:
            mask_b = (1.0 - mask_a).to(inputs.dtype)
            mixed = mix_soft(inputs, index, mask_b)
        # every mask holds the same k pixels of x_a: one float for the batch
        lam_exact = float(share_of_a(mask_b, per_sample=True).mean())
        return MixOutput(mixed, index, lam_exact, mask_b)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, decay_power='
                f'{self.decay_power}, max_soft={self.max_soft}, per_sample='
                f'{self.per_sample}, avoid_self_pair={self.avoid_self_pair})')
