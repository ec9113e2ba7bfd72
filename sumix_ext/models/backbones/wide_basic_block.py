"""Pre-activation basic block of Wide-ResNet (Zagoruyko & Komodakis)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_conv_layer, build_norm_layer


class WideBasicBlock(nn.Module):
    """``BN-ReLU-conv3x3-BN-ReLU-(dropout)-conv3x3`` plus a shortcut.

    ``y = conv2(drop(relu(bn2(conv1(a))))) + s``, where ``a = relu(bn1(x))``
    and ``s = x`` if the shape is kept, else ``s = conv1x1_stride(a)`` (the
    projection sees the pre-activated input, as in the reference code).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the first conv (and the projection).
        drop_rate (float): Dropout between the two convs. Defaults to 0.
        conv_cfg (dict, optional): Conv layer config.
        norm_cfg (dict): Norm layer config. Defaults to BN.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 drop_rate: float = 0.0, conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN')):
        super().__init__()
        self.bn1 = build_norm_layer(norm_cfg, in_channels)[1]
        self.conv1 = build_conv_layer(conv_cfg, in_channels, out_channels, 3,
                                      stride=stride, padding=1, bias=False)
        self.bn2 = build_norm_layer(norm_cfg, out_channels)[1]
        self.conv2 = build_conv_layer(conv_cfg, out_channels, out_channels,
                                      3, stride=1, padding=1, bias=False)
        self.drop_rate = drop_rate
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = build_conv_layer(conv_cfg, in_channels,
                                             out_channels, 1, stride=stride,
                                             bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args:
            x (torch.Tensor): ``(N, C_in, H, W)``.

        Returns:
            torch.Tensor: ``(N, C_out, H / stride, W / stride)``.
        """
        act = F.relu(self.bn1(x))
        identity = x if self.shortcut is None else self.shortcut(act)
        out = F.relu(self.bn2(self.conv1(act)))
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        return self.conv2(out) + identity
