# SaliencyMix + SUMix (gamma 0.5):
# ResNet-18, ImageNet-1K.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnet18_cutmix-sumix_4xb64-100e_in1k.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchSaliencyMix', alpha=0.2))
