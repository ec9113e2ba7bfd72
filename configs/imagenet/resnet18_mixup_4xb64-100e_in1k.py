# Mixup baseline (alpha 1.0, no SUMix):
# ResNet-18, ImageNet-1K.
_base_ = ['./resnet18_cutmix-sumix_4xb64-100e_in1k.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
