# FMix + SUMix (gamma 0.5):
# WRN-28-8, CIFAR-100.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./wrn28-8_cutmix-sumix_1xb100-400e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchFMix', alpha=0.2, decay_power=3,
               max_soft=0.0))
