"""Spectral residual saliency (Hou & Zhang, CVPR 2007, "Saliency Detection:
A Spectral Residual Approach"), batched in torch.

This is the algorithm behind OpenCV-contrib's
``cv2.saliency.StaticSaliencySpectralResidual``, which the SaliencyMix
authors call on one image per batch. Here it runs on the whole batch in a
few tensor ops, on any device, with no OpenCV-contrib.
"""

import torch
import torch.nn.functional as F

#: Largest side of the saliency map (OpenCV resizes to 64x64).
MAP_SIZE = 64


def _gaussian_kernel(size: int, sigma: float, device) -> torch.Tensor:
    r = torch.arange(size, device=device, dtype=torch.float32) - (size - 1) / 2
    k = torch.exp(-r**2 / (2 * sigma**2))
    k = k / k.sum()
    return (k[:, None] * k[None, :])[None, None]


def spectral_residual_saliency(images: torch.Tensor,
                               map_size: int = MAP_SIZE,
                               blur_size: int = 5,
                               blur_sigma: float = 8.0) -> torch.Tensor:
    r"""Saliency maps of a batch by the spectral residual method.

    For each image (grey = channel mean, float32, bilinearly downsized to
    at most ``map_size x map_size``; smaller images are used as they are,
    since upsampling adds an empty high band whose log amplitude is noise
    and moves the peak off the object):

    .. math::
        F = \mathcal{F}(I), \quad L = \log(|F| + 10^{-3}\,\overline{|F|}),
        \quad
        R = L - h_{3\times3} * L, \\
        S = g_{\sigma} * \left|\mathcal{F}^{-1}\!\left(e^{R + i \arg F}
        \right)\right|^2

    (the small floor, relative to the mean amplitude, keeps exact zeros of
    the spectrum of flat synthetic images from dominating), with
    :math:`h_{3\times3}` the 3x3 box mean of the log-amplitude
    spectrum (circular padding, the spectrum is periodic) and
    :math:`g_\sigma` a ``blur_size`` Gaussian of std ``blur_sigma``
    (OpenCV's values; circular padding, so the map is exactly equivariant
    to circular shifts of the image).

    Args:
        images (torch.Tensor): ``(N, C, H, W)`` images, any float dtype.
        map_size (int): Largest side of the saliency map. Defaults to 64.
        blur_size (int): Gaussian kernel size (odd). Defaults to 5.
        blur_sigma (float): Gaussian std. Defaults to 8.0.

    Returns:
        torch.Tensor: ``(N, min(map_size, H), min(map_size, W))`` float32
        saliency maps.
    """
    h, w = images.shape[-2:]
    size = (min(map_size, h), min(map_size, w))
    grey = images.float().mean(dim=1, keepdim=True)
    if size != (h, w):
        grey = F.interpolate(grey, size=size, mode='bilinear',
                             align_corners=False)
    spec = torch.fft.fft2(grey)
    amp = spec.abs()
    log_amp = torch.log(amp + 1e-3 * amp.mean(dim=(2, 3), keepdim=True) +
                        1e-12)
    mean_amp = F.avg_pool2d(F.pad(log_amp, (1, 1, 1, 1), mode='circular'),
                            3, stride=1)
    residual = torch.polar(torch.exp(log_amp - mean_amp), spec.angle())
    sal = torch.fft.ifft2(residual).abs()**2
    pad = blur_size // 2
    kernel = _gaussian_kernel(blur_size, blur_sigma, images.device)
    sal = F.conv2d(F.pad(sal, (pad, pad, pad, pad), mode='circular'), kernel)
    return sal[:, 0]


def saliency_peak(images: torch.Tensor, map_size: int = MAP_SIZE):
    """Pixel coordinates of the most salient point of each image.

    The argmax ``(iy, ix)`` on the ``(mh, mw)`` map is mapped to the image
    grid as ``floor((iy + 0.5) * H / mh)`` (same for x).

    Args:
        images (torch.Tensor): ``(N, C, H, W)`` images.
        map_size (int): Side of the saliency map.

    Returns:
        tuple: ``(cy, cx)``, two ``(N,)`` long tensors.
    """
    h, w = images.shape[-2:]
    sal = spectral_residual_saliency(images, map_size)
    mh, mw = sal.shape[-2:]
    peak = sal.flatten(1).argmax(dim=1)
    iy = torch.div(peak, mw, rounding_mode='floor')
    ix = peak - iy * mw
    # floor((i + 0.5) * H / mh) in exact integer arithmetic (no float64,
    # which some devices lack)
    cy = torch.div((2 * iy + 1) * h, 2 * mh, rounding_mode='floor')
    cx = torch.div((2 * ix + 1) * w, 2 * mw, rounding_mode='floor')
    return cy, cx


__all__ = ['spectral_residual_saliency', 'saliency_peak', 'MAP_SIZE']
