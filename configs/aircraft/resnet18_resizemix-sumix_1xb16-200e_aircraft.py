# ResizeMix + SUMix (gamma 0.5):
# ResNet-18 (ImageNet-pretrained), FGVC-Aircraft (variants).
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnet18_cutmix-sumix_1xb16-200e_aircraft.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchResizeMix', alpha=1.0,
               scope=(0.1, 0.8), use_alpha=True))
