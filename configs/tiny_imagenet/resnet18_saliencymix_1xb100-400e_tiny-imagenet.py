# SaliencyMix baseline (SUMix off):
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200.
_base_ = ['./resnet18_saliencymix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(sumix=None)
