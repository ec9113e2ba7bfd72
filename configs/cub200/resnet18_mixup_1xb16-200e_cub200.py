# Mixup baseline (alpha 1.0, no SUMix):
# ResNet-18 (ImageNet-pretrained), CUB-200-2011.
_base_ = ['./resnet18_cutmix-sumix_1xb16-200e_cub200.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
