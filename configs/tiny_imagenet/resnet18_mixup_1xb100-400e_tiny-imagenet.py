# Mixup baseline (alpha 1.0, no SUMix):
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200.
_base_ = ['./resnet18_cutmix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
