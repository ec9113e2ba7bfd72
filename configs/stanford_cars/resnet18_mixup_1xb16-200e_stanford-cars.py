# Mixup baseline (alpha 1.0, no SUMix):
# ResNet-18 (ImageNet-pretrained), Stanford Cars.
_base_ = ['./resnet18_cutmix-sumix_1xb16-200e_stanford-cars.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
