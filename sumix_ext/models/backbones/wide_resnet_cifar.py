"""Wide-ResNet-d-k for CIFAR-sized inputs (e.g. WRN-28-8)."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .wide_basic_block import WideBasicBlock


@MODELS.register_module()
class WideResNet_CIFAR(BaseModule):
    """Wide-ResNet (Zagoruyko & Komodakis, 2016), WRN-``depth``-``k``.

    A 3x3 stem conv with 16 channels, then 3 groups of
    ``n = (depth - 4) / 6`` pre-activation basic blocks
    (:class:`WideBasicBlock`) with widths ``16k, 32k, 64k`` and strides
    ``1, 2, 2``, then BN-ReLU. WRN-28-8: ``n = 4``, widths 128/256/512,
    a 32x32 input gives an ``(N, 512, 8, 8)`` map.

    Args:
        depth (int): ``6n + 4`` (28 for WRN-28-k). Defaults to 28.
        widen_factor (int): ``k``. Defaults to 8.
        in_channels (int): Input channels. Defaults to 3.
        drop_rate (float): Dropout inside the blocks. Defaults to 0.
        out_indices (Sequence[int]): Groups (0, 1, 2) whose outputs are
            returned; the last group's output is taken after the final
            BN-ReLU. Defaults to ``(2, )``.
        conv_cfg (dict, optional): Conv layer config.
        norm_cfg (dict): Norm layer config. Defaults to BN.
        init_cfg (dict | list, optional): Defaults to Kaiming for convs and
            constant 1/0 for norms.
    """

    def __init__(self,
                 depth: int = 28,
                 widen_factor: int = 8,
                 in_channels: int = 3,
                 drop_rate: float = 0.0,
                 out_indices: Sequence[int] = (2, ),
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=(dict(type='Kaiming', layer='Conv2d'),
                           dict(type='Constant', val=1,
                                layer=['_BatchNorm', 'GroupNorm']))):
        super().__init__(init_cfg=list(init_cfg) if isinstance(
            init_cfg, tuple) else init_cfg)
        if depth < 10 or (depth - 4) % 6 != 0:
            raise ValueError(f'WideResNet_CIFAR: depth must be 6n+4 with '
                             f'n >= 1 (e.g. 16, 22, 28, 40), got {depth}')
        if widen_factor < 1:
            raise ValueError(f'WideResNet_CIFAR: widen_factor must be >= 1, '
                             f'got {widen_factor}')
        self.out_indices = tuple(out_indices)
        if not self.out_indices or any(i not in (0, 1, 2)
                                       for i in self.out_indices):
            raise ValueError(f'WideResNet_CIFAR: out_indices must be a '
                             f'non-empty subset of (0, 1, 2), got '
                             f'{out_indices}')
        n = (depth - 4) // 6
        widths = [16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
        self.conv1 = build_conv_layer(conv_cfg, in_channels, 16, 3,
                                      stride=1, padding=1, bias=False)
        self.groups = nn.ModuleList()
        channels = 16
        for width, stride in zip(widths, (1, 2, 2)):
            blocks = []
            for b in range(n):
                blocks.append(
                    WideBasicBlock(channels, width, stride if b == 0 else 1,
                                   drop_rate, conv_cfg, norm_cfg))
                channels = width
            self.groups.append(nn.Sequential(*blocks))
        self.norm_out = build_norm_layer(norm_cfg, channels)[1]
        self.out_channels = widths

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Args:
            x (torch.Tensor): ``(N, C, H, W)`` images.

        Returns:
            tuple[torch.Tensor]: The maps of ``out_indices``; the last group
            is ``(N, 64k, H/4, W/4)`` after BN-ReLU.
        """
        x = self.conv1(x)
        outs = []
        for i, group in enumerate(self.groups):
            x = group(x)
            if i == 2:
                x = F.relu(self.norm_out(x))
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
