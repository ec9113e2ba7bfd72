# CutMix baseline (SUMix off):
# ResNet-18, ImageNet-1K.
_base_ = ['./resnet18_cutmix-sumix_4xb64-100e_in1k.py']

model = dict(sumix=None)
