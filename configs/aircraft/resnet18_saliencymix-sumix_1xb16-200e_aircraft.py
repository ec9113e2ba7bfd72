# SaliencyMix + SUMix (gamma 0.5):
# ResNet-18 (ImageNet-pretrained), FGVC-Aircraft (variants).
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnet18_cutmix-sumix_1xb16-200e_aircraft.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchSaliencyMix', alpha=0.2))
