# Mixup baseline (alpha 1.0, no SUMix):
# WRN-28-8, CIFAR-100.
_base_ = ['./wrn28-8_cutmix-sumix_1xb100-400e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
