# CutMix baseline (SUMix off):
# ResNet-18 (ImageNet-pretrained), Stanford Cars.
_base_ = ['./resnet18_cutmix-sumix_1xb16-200e_stanford-cars.py']

model = dict(sumix=None)
