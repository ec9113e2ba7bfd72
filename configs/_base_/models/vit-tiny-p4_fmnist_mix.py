# A tiny vision transformer for the 28x28 one-channel Fashion-MNIST regimes
# (TransMix's label signal needs a class token): mmpretrain's
# VisionTransformer, patch 4 (a 7x7 token grid), width 96, depth 6, 3 heads,
# MLP 384, class-token output; MixupClassifier + CutMix (alpha 0.2) +
# official SUMix, with SUMix's uncertainty branch on the linear head.
# A leaf over a CNN regime config swaps its model for this one with
#     _base_ = ['<regime config>', '../../_base_/models/vit-tiny-p4_fmnist_mix.py']
#     model = {{_base_.vit_tiny_p4_fmnist}}
# (one base cannot define `model` twice; `_delete_` drops the CNN's keys).
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
