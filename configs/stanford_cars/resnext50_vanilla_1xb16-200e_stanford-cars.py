# No mixup (plain training of the same model):
# ResNeXt-50 32x4d (ImageNet-pretrained), Stanford Cars.
_base_ = ['./resnext50_cutmix-sumix_1xb16-200e_stanford-cars.py']

model = dict(mixer=None, sumix=None)
