# FMix + SUMix (gamma 0.5):
# ResNeXt-50 32x4d (CIFAR stem), CIFAR-100.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnext50_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchFMix', alpha=0.2, decay_power=3,
               max_soft=0.0))
