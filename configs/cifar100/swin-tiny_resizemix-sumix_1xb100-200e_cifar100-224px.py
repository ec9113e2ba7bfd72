# ResizeMix + SUMix (gamma 0.5):
# Swin-T (224 px), CIFAR-100.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./swin-tiny_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchResizeMix', alpha=1.0,
               scope=(0.1, 0.8), use_alpha=True))
