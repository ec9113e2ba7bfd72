# SaliencyMix + SUMix (gamma 0.5):
# DeiT-S (224 px), CIFAR-100.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./deit-small_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchSaliencyMix', alpha=0.2))
