# ResizeMix + SUMix (gamma 0.5):
# WRN-28-8, CIFAR-100.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./wrn28-8_cutmix-sumix_1xb100-400e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchResizeMix', alpha=1.0,
               scope=(0.1, 0.8), use_alpha=True))
