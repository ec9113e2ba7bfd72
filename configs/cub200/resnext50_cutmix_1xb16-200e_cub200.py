# CutMix baseline (SUMix off):
# ResNeXt-50 32x4d (ImageNet-pretrained), CUB-200-2011.
_base_ = ['./resnext50_cutmix-sumix_1xb16-200e_cub200.py']

model = dict(sumix=None)
