# SaliencyMix + SUMix (gamma 0.5):
# ResNeXt-50 32x4d (ImageNet-pretrained), Stanford Cars.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnext50_cutmix-sumix_1xb16-200e_stanford-cars.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchSaliencyMix', alpha=0.2))
