# A tiny vision transformer for the 28x28 one-channel Fashion-MNIST regimes
# (TransMix's label signal needs a class token): mmpretrain's
# VisionTransformer, patch 4 (a 7x7 token grid), width 96, depth 6, 3 heads,
# MLP 384, class-token output; MixupClassifier + CutMix (alpha 0.2) +
# official SUMix, with SUMix's uncertainty branch on the linear head.
# Transformers train with AdamW (lr 1e-3, wd 0.05, none on norms, biases
# and tokens), 10 linear warm-up epochs then cosine to 0 over 100 epochs,
# gradient clipping at norm 5. A leaf over a CNN regime config swaps its
# model and optimizer for these with
#     _base_ = ['<regime>', '../../_base_/models/vit-tiny-p4_fmnist_mix.py']
#     model = {{_base_.vit_tiny_p4_fmnist}}
#     optim_wrapper = {{_base_.vit_tiny_p4_fmnist_optim}}
#     param_scheduler = {{_base_.vit_tiny_p4_fmnist_schedule}}
# (two bases cannot both define `model`; `_delete_` drops the CNN's keys).
vit_tiny_p4_fmnist = dict(
    _delete_=True,
    type='MixupClassifier',
    backbone=dict(
        type='VisionTransformer',
        arch=dict(embed_dims=96, num_layers=6, num_heads=3,
                  feedforward_channels=384),
        img_size=28, patch_size=4, in_channels=1, drop_path_rate=0.1,
        out_type='cls_token'),
    neck=None,
    head=dict(
        type='SUMixHead',
        num_classes=10,
        in_channels=96,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='TruncNormal', layer='Linear', std=.02)),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
    clean_pass='no_grad',
)
vit_tiny_p4_fmnist_optim = dict(
    _delete_=True,
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05, eps=1e-8,
                   betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0,
        custom_keys={'.cls_token': dict(decay_mult=0.0),
                     '.pos_embed': dict(decay_mult=0.0)}),
    clip_grad=dict(max_norm=5.0),
)
vit_tiny_p4_fmnist_schedule = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=90, by_epoch=True, begin=10,
         end=100, eta_min=0., convert_to_iter_based=True),
]
