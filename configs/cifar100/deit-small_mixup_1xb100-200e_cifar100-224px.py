# Mixup baseline (alpha 1.0, no SUMix):
# DeiT-S (224 px), CIFAR-100.
_base_ = ['./deit-small_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
