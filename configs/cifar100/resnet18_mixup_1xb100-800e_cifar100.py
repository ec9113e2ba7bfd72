# Mixup baseline (alpha 1.0, no SUMix):
# ResNet-18 (CIFAR stem), CIFAR-100.
_base_ = ['./resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
