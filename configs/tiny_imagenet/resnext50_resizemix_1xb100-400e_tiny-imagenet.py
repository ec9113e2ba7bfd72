# ResizeMix baseline (SUMix off):
# ResNeXt-50 32x4d (CIFAR stem), Tiny-ImageNet-200.
_base_ = ['./resnext50_resizemix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(sumix=None)
