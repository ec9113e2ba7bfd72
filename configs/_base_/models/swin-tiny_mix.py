# Swin-T (mmpretrain's SwinTransformer, arch 'tiny', 224 px), MixupClassifier
# + CutMix + SUMix.
model = dict(
    type='MixupClassifier',
    backbone=dict(
        type='SwinTransformer', arch='tiny', img_size=224,
        drop_path_rate=0.2, out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='SUMixHead',
        num_classes=100,
        in_channels=768,
        is_norm=True,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='TruncNormal', layer='Linear', std=.02)),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
