# Mixup baseline (alpha 1.0, no SUMix):
# ResNeXt-50 32x4d (CIFAR stem), CIFAR-100.
_base_ = ['./resnext50_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=1.0),
    sumix=None)
optim_wrapper = dict(optimizer=dict(weight_decay=1e-4))
