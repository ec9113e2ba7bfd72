r"""The Mix Block of AutoMix (Liu et al., ECCV 2022) and SAMix (Li et al.,
arXiv 2111.15454): a per-pixel mixing mask from cross-attention between
the features of an image and of its partner. For features :math:`z` at one
stage of the momentum encoder, :math:`z' = z[\pi]` and the batch's lam:

.. math::
    P = \mathrm{softmax}\big(W_q g_\lambda(z)\,(W_k g_{1-\lambda}(z'))^\top
        / \sqrt{C/r}\big), \qquad
    m' = \sigma\big(\mathrm{up}(P\,V(g_{1-\lambda}(z')))\big), \qquad
    \mathrm{mask} = [1 - m',\ m']

(``mask[:, 0]`` weights the image, ``mask[:, 1]`` its partner; :math:`g`
the lam embedding, :math:`V` the value network, ``up`` the upsampling to
the image). The mask's mean is tied to lam only by the mask loss. Attention
and mask are computed in float32 whatever the autocast (OpenMixup forces
fp32 there: fp16 overflows). Reference: OpenMixup
``openmixup/models/heads/pmix_block.py`` (``PixelMixBlock``); argument names
follow it.
"""
import math
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

UP_MODES = ('nearest', 'bilinear', 'bicubic')
MASK_LOSS_MODES = ('L1', 'L1+Variance', 'L2+Variance', 'Sparsity')


def rescale_lam(lam: float, k: float) -> float:
    r"""SAMix's lam rescale for the lam embedding (OpenMixup
    ``rescale_lam_mult``): with :math:`k' = k + 1`,

    .. math:: \tilde\lambda = \frac{\tfrac43\lambda^3 - 2\lambda^2 +
              k'\lambda}{k' - \tfrac23}

    a cubic through (0, 0), (1/2, 1/2) and (1, 1); ``k`` controls how far
    it bends away from the identity (smaller: flatter around 1/2).
    """
    if k < 0:
        raise ValueError(f'rescale_lam: k must be >= 0, got {k}')
    k = k + 1
    return (4 / 3 * lam**3 - 2 * lam**2 + k * lam) / (k - 2 / 3)


def _choice(options: Sequence):
    """One of ``options`` from torch's RNG (saved by RNGStateHook)."""
    if len(options) == 1:
        return options[0]
    return options[int(torch.randint(len(options), ()).item())]


@MODELS.register_module()
class PixelMixBlock(BaseModule):
    """Mix Block (AutoMix) / Mixer (SAMix): per-pixel mixing masks.

    Args:
        in_channels (int): Channels of the feature map (the classifier fills
            it in from its backbone when None).
        reduction (int): Query/key channels are ``in_channels //
            reduction``. Defaults to 2.
        use_scale (bool): Divide the attention logits by
            ``sqrt(in_channels // reduction)``. Defaults to True.
        up_mode (str | list[str]): Upsampling of the mask logits to the
            image size (``'nearest'``: AutoMix; ``'bilinear'``: SAMix); a
            list draws one per call. OpenMixup: ``unsampling_mode``.
        lam_concat (bool): Concatenate a constant channel (lam for the image,
            1 - lam for the partner) to the query, key and value inputs.
        lam_concat_v (bool): Concatenate the 1 - lam channel to the value
            input only.
        lam_mul (float): SAMix's lam embedding strength: the features are
            multiplied by lam terms (0 = off; OpenMixup's ``lam_mul=True``
            is 1).
        lam_mul_k (float | list[float]): Rescale of lam before the
            multiplication (:func:`rescale_lam`); -1 = none; a list draws
            one per call.
        lam_residual (bool): ``z (1 + lam~ lam_mul)`` and ``z' (1 + (1 -
            lam~) lam_mul)`` instead of ``z lam~`` and ``z' (1 - lam~)``.
        value_hidden (int, optional): SAMix's non-linear content modelling:
            the value network is 1x1 conv (no bias) - BN - ELU - 1x1 conv
            (no bias) with this many hidden channels (OpenMixup's
            ``value_neck_cfg=ConvNeck(hid_channels=...)``). None: one 1x1
            conv with bias (AutoMix).
        value_dropout (float): Dropout on the value network's output
            (OpenMixup ``with_last_dropout``). Defaults to 0.
        x_qk_concat (bool): Query and key both from ``cat(z, z')`` with two
            separate convs (SAMix); else the query conv embeds ``z`` and
            ``z'`` alike.
        x_v_concat (bool): The value from ``cat(z, z')``.
        mask_loss_mode (str): ``'L1'`` (AutoMix), ``'L1+Variance'``
            (SAMix), ``'L2+Variance'`` or ``'Sparsity'``.
        mask_loss_margin (float): Margin of the mean term. Defaults to 0.
        frozen (bool): Freeze the block's parameters (a pre-trained block).
        init_cfg (dict, optional): mmengine init config; None: normal(0,
            0.01) convs, zero biases, unit norms, as OpenMixup.
    """

    def __init__(self,
                 in_channels: Optional[int] = None,
                 reduction: int = 2,
                 use_scale: bool = True,
                 up_mode: Union[str, List[str]] = 'nearest',
                 lam_concat: bool = False,
                 lam_concat_v: bool = False,
                 lam_mul: float = 0.,
                 lam_mul_k: Union[float, List[float]] = -1,
                 lam_residual: bool = False,
                 value_hidden: Optional[int] = None,
                 value_dropout: float = 0.,
                 x_qk_concat: bool = False,
                 x_v_concat: bool = False,
                 mask_loss_mode: str = 'L1',
                 mask_loss_margin: float = 0.,
                 frozen: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        name = 'PixelMixBlock'
        if in_channels is None or int(in_channels) < 1:
            raise ValueError(f'{name}: in_channels must be a positive int '
                             f'(the feature channels), got {in_channels!r}')
        self.up_modes = [up_mode] if isinstance(up_mode, str) else list(
            up_mode)
        bad = [m for m in self.up_modes if m not in UP_MODES]
        if bad or not self.up_modes:
            raise ValueError(f'{name}: up_mode must be one of {UP_MODES} '
                             f'or a list of them, got {up_mode!r}')
        if mask_loss_mode not in MASK_LOSS_MODES:
            raise ValueError(f'{name}: mask_loss_mode must be one of '
                             f'{MASK_LOSS_MODES}, got {mask_loss_mode!r}')
        lam_mul = float(lam_mul)
        if not 0 <= lam_mul <= 1:
            raise ValueError(f'{name}: lam_mul must be in [0, 1], got '
                             f'{lam_mul}')
        if lam_concat and (lam_concat_v or lam_mul > 0 or x_qk_concat):
            raise ValueError(
                f'{name}: lam_concat embeds lam in q, k and v already; '
                'leave lam_concat_v, lam_mul and x_qk_concat off with it')
        if x_v_concat and (lam_concat or lam_concat_v):
            raise ValueError(f'{name}: x_v_concat builds the value from '
                             'cat(z, z\'); leave lam_concat and lam_concat_v '
                             'off with it')
        self.in_channels = int(in_channels)
        self.inter_channels = max(self.in_channels // int(reduction), 1)
        self.use_scale = bool(use_scale)
        self.lam_concat = bool(lam_concat)
        self.lam_concat_v = bool(lam_concat_v)
        self.lam_mul = lam_mul
        ks = [lam_mul_k] if isinstance(lam_mul_k, (int, float)) else list(
            lam_mul_k)
        self.lam_mul_k = [min(float(k), 10.) if k >= 0 else -1. for k in ks]
        self.lam_residual = bool(lam_residual)
        self.x_qk_concat = bool(x_qk_concat)
        self.x_v_concat = bool(x_v_concat)
        self.mask_loss_mode = mask_loss_mode
        self.mask_loss_margin = max(float(mask_loss_margin), 0.)

        c = self.in_channels
        qk_in = 2 * c if self.x_qk_concat else c + int(self.lam_concat)
        v_in = 2 * c if self.x_v_concat else c + int(
            self.lam_concat or self.lam_concat_v)
        if value_hidden is None:
            self.value = nn.Conv2d(v_in, 1, 1)
        else:
            self.value = nn.Sequential(
                nn.Conv2d(v_in, int(value_hidden), 1, bias=False),
                nn.BatchNorm2d(int(value_hidden)), nn.ELU(),
                nn.Conv2d(int(value_hidden), 1, 1, bias=False))
        self.value_dropout = nn.Dropout(float(value_dropout)) \
            if value_dropout > 0 else nn.Identity()
        self.query = nn.Conv2d(qk_in, self.inter_channels, 1)
        self.key = nn.Conv2d(qk_in, self.inter_channels, 1) \
            if self.x_qk_concat else None
        self.init_weights()
        self.frozen = bool(frozen)
        if self.frozen:
            self.requires_grad_(False)

    def init_weights(self) -> None:
        """Normal(0, 0.01) convs with zero bias and unit norms (OpenMixup's
        ``init_linear='normal'``), unless ``init_cfg`` says otherwise."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight, 0., 0.01)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    # ------------------------------------------------------------ forward
    def embed_lam(self, z: torch.Tensor, z_p: torch.Tensor, lam: float):
        """The lam embedding of the image's and the partner's features."""
        if self.lam_mul > 0:
            k = _choice(self.lam_mul_k)
            lam_r = rescale_lam(lam, k) if k >= 0 else lam
            if self.lam_residual:
                z = z * (1 + lam_r * self.lam_mul)
                z_p = z_p * (1 + (1 - lam_r) * self.lam_mul)
            else:
                z, z_p = z * lam_r, z_p * (1 - lam_r)
        if self.lam_concat:
            n, _, h, w = z.shape
            ones = z.new_ones(n, 1, h, w)
            z = torch.cat([z, ones * lam], dim=1)
            z_p = torch.cat([z_p, ones * (1 - lam)], dim=1)
        return z, z_p

    def forward(self, feats: torch.Tensor, lam: float,
                index: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
        """The mixing masks of a batch.

        Args:
            feats (torch.Tensor): ``(N, C, h, w)`` features of the batch.
            lam (float): The batch's mixing ratio (share of the image).
            index (torch.Tensor): ``(N,)`` partner permutation.
            size (tuple): ``(H, W)`` of the images.

        Returns:
            torch.Tensor: ``(N, 2, H, W)`` float32 masks in (0, 1),
            ``mask[:, 0] + mask[:, 1] = 1``; channel 0 weights the image,
            channel 1 its partner ``x[index]``.
        """
        if feats.dim() != 4:
            raise ValueError('PixelMixBlock: expected (N, C, h, w) feature '
                             f'maps, got shape {tuple(feats.shape)}')
        n, _, h, w = feats.shape
        z, z_p = self.embed_lam(feats, feats[index], float(lam))
        v_in = z_p
        if self.x_v_concat:
            v_in = torch.cat([z, z_p], dim=1)
        if self.lam_concat_v:
            v_in = torch.cat([z_p, z_p.new_full((n, 1, h, w), 1 - lam)], 1)
        v = self.value_dropout(self.value(v_in)).reshape(n, h * w, 1)
        if self.x_qk_concat:
            z = z_p = torch.cat([z, z_p], dim=1)
        q = self.query(z).flatten(2).transpose(1, 2)          # (N, hw, c)
        key = self.key if self.key is not None else self.query
        k = key(z_p).flatten(2)                                # (N, c, hw)
        with torch.autocast(device_type=feats.device.type, enabled=False):
            logits = torch.bmm(q.float(), k.float())
            if self.use_scale:
                logits = logits / math.sqrt(self.inter_channels)
            attn = logits.softmax(dim=-1)                      # (N, hw, hw)
            m = torch.bmm(attn, v.float()).reshape(n, 1, h, w)
            m = F.interpolate(m, size=tuple(size),
                              mode=_choice(self.up_modes))
            m = torch.sigmoid(m)
        return torch.cat([1 - m, m], dim=1)

    # --------------------------------------------------------------- loss
    def mask_loss(self, mask: torch.Tensor, lam: float) -> torch.Tensor:
        r"""The mask regulariser of OpenMixup's ``PixelMixBlock.mask_loss``.

        With :math:`m'` the partner's share (``mask[:, 1]``) and
        :math:`\bar m'` its mean over the whole batch and all pixels, the
        image's share :math:`1 - \bar m'` is tied to lam:

        * ``'L1'``: :math:`\max(|1 - \bar m' - \lambda| - \delta, 0)`
        * ``'L1+Variance'``: the L1 term :math:`- 2\,\mathrm{mean}((m' -
          \bar m')^2)` (a larger variance: a mask closer to 0/1)
        * ``'L2+Variance'``: :math:`\max((1 - \bar m' - \lambda)^2 -
          \delta^2, 0)` minus the same variance term
        * ``'Sparsity'``: :math:`\max(\mathrm{mean}|m'(m' - 1)| - \delta,
          0)`

        Args:
            mask (torch.Tensor): ``(N, 2, H, W)`` output of :meth:`forward`.
            lam (float): The lam the mask was made for.

        Returns:
            torch.Tensor: Scalar loss.
        """
        m = mask[:, 1:2].float()
        mean = m.mean()
        margin = self.mask_loss_margin
        mode = self.mask_loss_mode
        if mode == 'Sparsity':
            return (torch.abs(m * (m - 1)).mean() - margin).clamp(min=0.)
        if mode == 'L1':
            return (torch.abs(1 - mean - lam) - margin).clamp(min=0.)
        variance = ((m - mean)**2).mean().clamp(min=0.)
        if mode == 'L1+Variance':
            term = (torch.abs(1 - mean - lam) - margin).clamp(min=0.)
        else:  # 'L2+Variance'
            term = ((1 - mean - lam)**2 - margin**2).clamp(min=0.)
        return term - 2 * variance


def adjust_mask(mask: torch.Tensor, lam: float,
                eps: float = 1e-8) -> torch.Tensor:
    r"""OpenMixup's ``mask_adjust``: rescale each sample's mask so that the
    image's share has mean exactly ``lam``.

    With :math:`m` = ``mask[:, 0]`` clamped to :math:`[\epsilon,
    1-\epsilon]` and :math:`\bar m` its per-sample mean: where :math:`\bar
    m > \lambda`, :math:`m \leftarrow m\,\lambda/\bar m`; where :math:`\bar
    m < \lambda`, :math:`1 - m \leftarrow (1 - m)(1-\lambda)/(1-\bar m)`;
    the partner's share is :math:`1 - m`.

    Args:
        mask (torch.Tensor): ``(N, 2, H, W)`` masks.
        lam (float): The target share of the image.

    Returns:
        torch.Tensor: The adjusted ``(N, 2, H, W)`` masks.
    """
    m0 = mask[:, 0].clamp(min=eps, max=1 - eps)
    mean = m0.mean(dim=(1, 2), keepdim=True)
    larger = (mean > lam + eps)
    smaller = (mean < lam - eps)
    down = m0 * (lam / mean)
    up = 1 - (1 - m0) * ((1 - lam) / (1 - mean))
    new0 = torch.where(larger, down, torch.where(smaller, up, mask[:, 0]))
    return torch.stack([new0, 1 - new0], dim=1)
