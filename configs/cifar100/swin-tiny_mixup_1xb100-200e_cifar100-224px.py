# Mixup baseline (alpha 1.0, no SUMix):
# Swin-T (224 px), CIFAR-100.
_base_ = ['./swin-tiny_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
