# Mixup baseline (alpha 1.0, no SUMix):
# ResNeXt-50 32x4d (CIFAR stem), Tiny-ImageNet-200.
_base_ = ['./resnext50_cutmix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
