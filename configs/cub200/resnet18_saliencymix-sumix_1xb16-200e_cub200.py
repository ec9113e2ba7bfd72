# SaliencyMix + SUMix (gamma 0.5):
# ResNet-18 (ImageNet-pretrained), CUB-200-2011.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnet18_cutmix-sumix_1xb16-200e_cub200.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchSaliencyMix', alpha=0.2))
