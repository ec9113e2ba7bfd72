# ResizeMix + SUMix (gamma 0.5):
# ResNeXt-50 32x4d (ImageNet-pretrained), Stanford Cars.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnext50_cutmix-sumix_1xb16-200e_stanford-cars.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchResizeMix', alpha=1.0,
               scope=(0.1, 0.8), use_alpha=True))
