# FMix + SUMix (gamma 0.5):
# ResNet-18, ImageNet-1K.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnet18_cutmix-sumix_4xb64-100e_in1k.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchFMix', alpha=0.2, decay_power=3,
               max_soft=0.0))
