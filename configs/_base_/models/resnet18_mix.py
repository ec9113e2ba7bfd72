# ResNet-18 with the ImageNet stem (7x7 conv stride 2 + max-pool; mmpretrain's
# ResNet), MixupClassifier + CutMix + SUMix. For 224 px inputs.
model = dict(
    type='MixupClassifier',
    backbone=dict(
        type='ResNet', depth=18, num_stages=4, out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='SUMixHead',
        num_classes=1000,
        in_channels=512,
        is_norm=True,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
