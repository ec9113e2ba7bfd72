# Tiny-ViT version of the "cluttered scenes" study regime (docs/study.md):
# the same data, scenes, splits, batch, epochs and validation epochs as
# resnet18-w16_cutmix_fmnist-clutter-1k-100e_study, with a tiny vision
# transformer (configs/_base_/models/vit-tiny-p4_fmnist_mix.py: patch 4,
# width 96, depth 6) so TransMix (labels from the class token's attention)
# can run beside CutMix, the oracle and the SUMix forms. Transformers train
# with AdamW (lr 1e-3, wd 0.05, none on norms/biases/tokens), 10 linear
# warm-up epochs, cosine to 0, gradient clipping at norm 5.
# Run by hand this file is CutMix (alpha 0.2) + official SUMix; the study
# tool switches mixer / SUMix / seed (arm 'transmix':
# BatchTransMix(mixup_alpha=0, cutmix_alpha=0.2), the same boxes as CutMix
# labelled by attention).
_base_ = [
    './resnet18-w16_cutmix_fmnist-clutter-1k-100e_study.py',
    '../../_base_/models/vit-tiny-p4_fmnist_mix.py',
]

model = {{_base_.vit_tiny_p4_fmnist}}
max_epochs = 100
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05, eps=1e-8,
                   betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0,
        custom_keys={'.cls_token': dict(decay_mult=0.0),
                     '.pos_embed': dict(decay_mult=0.0)}),
    clip_grad=dict(max_norm=5.0),
)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 10, by_epoch=True,
         begin=10, end=max_epochs, eta_min=0., convert_to_iter_based=True),
]
