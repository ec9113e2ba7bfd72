# ResizeMix baseline (SUMix off):
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200.
_base_ = ['./resnet18_resizemix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(sumix=None)
