# Mixup baseline (alpha 1.0, no SUMix):
# ResNeXt-50 32x4d (ImageNet-pretrained), FGVC-Aircraft (variants).
_base_ = ['./resnext50_cutmix-sumix_1xb16-200e_aircraft.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
