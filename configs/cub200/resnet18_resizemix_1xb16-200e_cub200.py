# ResizeMix baseline (SUMix off):
# ResNet-18 (ImageNet-pretrained), CUB-200-2011.
_base_ = ['./resnet18_resizemix-sumix_1xb16-200e_cub200.py']

model = dict(sumix=None)
