"""Backbones missing from mmpretrain (added as the benchmarks need them)."""
from .resnext_cifar import ResNeXt_CIFAR
from .wide_basic_block import WideBasicBlock
from .wide_resnet_cifar import WideResNet_CIFAR

__all__ = ['ResNeXt_CIFAR', 'WideBasicBlock', 'WideResNet_CIFAR']
