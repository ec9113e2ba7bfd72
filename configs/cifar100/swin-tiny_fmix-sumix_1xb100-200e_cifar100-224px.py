# FMix + SUMix (gamma 0.5):
# Swin-T (224 px), CIFAR-100.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./swin-tiny_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchFMix', alpha=0.2, decay_power=3,
               max_soft=0.0))
