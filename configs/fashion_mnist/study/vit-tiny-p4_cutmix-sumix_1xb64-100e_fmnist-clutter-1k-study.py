# Tiny-ViT version of the "cluttered scenes" study regime (docs/study.md):
# the same data, scenes, splits, batch, epochs and validation epochs as
# resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study, with a tiny
# vision transformer (configs/_base_/models/vit-tiny-p4_fmnist_mix.py: patch 4,
# width 96, depth 6) so TransMix (labels from the class token's attention)
# can run beside CutMix, the oracle and the SUMix forms; AdamW, 10 warm-up
# epochs, cosine (the base's recipe for transformers).
# Run by hand this file is CutMix (alpha 0.2) + official SUMix; the study
# tool switches mixer / SUMix / seed (arm 'transmix':
# BatchTransMix(mixup_alpha=0, cutmix_alpha=0.2), the same boxes as CutMix
# labelled by attention).
_base_ = [
    './resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py',
    '../../_base_/models/vit-tiny-p4_fmnist_mix.py',
]

model = {{_base_.vit_tiny_p4_fmnist}}
optim_wrapper = {{_base_.vit_tiny_p4_fmnist_optim}}
param_scheduler = {{_base_.vit_tiny_p4_fmnist_schedule}}
