# ResizeMix + SUMix (gamma 0.5):
# ResNet-18, ImageNet-1K.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnet18_cutmix-sumix_4xb64-100e_in1k.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchResizeMix', alpha=1.0,
               scope=(0.1, 0.8), use_alpha=True))
