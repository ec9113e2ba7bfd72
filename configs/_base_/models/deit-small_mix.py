# DeiT-S (mmpretrain's VisionTransformer, arch 'deit-small', 224 px, patch
# 16, class-token output), MixupClassifier + CutMix + SUMix.
model = dict(
    type='MixupClassifier',
    backbone=dict(
        type='VisionTransformer', arch='deit-small', img_size=224,
        patch_size=16, drop_path_rate=0.1, out_type='cls_token'),
    neck=None,
    head=dict(
        type='SUMixHead',
        num_classes=100,
        in_channels=384,
        is_norm=True,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='TruncNormal', layer='Linear', std=.02)),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
