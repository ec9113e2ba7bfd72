# FMix baseline (SUMix off):
# ResNeXt-50 32x4d (ImageNet-pretrained), Stanford Cars.
_base_ = ['./resnext50_fmix-sumix_1xb16-200e_stanford-cars.py']

model = dict(sumix=None)
