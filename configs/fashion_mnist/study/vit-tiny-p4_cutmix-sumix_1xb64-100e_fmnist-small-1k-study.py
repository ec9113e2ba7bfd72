# Tiny-ViT version of the "small objects" study regime (docs/study.md):
# the data, pipelines, splits and schedule length of
# resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-small-1k-study with the tiny
# vision transformer and its AdamW recipe (configs/_base_/models/
# vit-tiny-p4_fmnist_mix.py), as the cluttered tiny-ViT regime (so TransMix's attention labels can be scored on both regimes by the
# ratio fidelity tool). Run by hand: CutMix (alpha 0.2) + official SUMix.
_base_ = [
    './resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-small-1k-study.py',
    '../../_base_/models/vit-tiny-p4_fmnist_mix.py',
]

model = {{_base_.vit_tiny_p4_fmnist}}
optim_wrapper = {{_base_.vit_tiny_p4_fmnist_optim}}
param_scheduler = {{_base_.vit_tiny_p4_fmnist_schedule}}
