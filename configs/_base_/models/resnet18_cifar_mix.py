# ResNet-18 with the CIFAR stem (3x3 conv, no max-pool), trained by our
# MixupClassifier with CutMix + SUMix. Leaf configs override `mixer`/`sumix`;
# `sumix=None` gives the plain mixup baseline.
model = dict(
    type='MixupClassifier',
    backbone=dict(
        type='ResNet_CIFAR', depth=18, num_stages=4, out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='SUMixHead',
        num_classes=100,
        in_channels=512,
        is_norm=True,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
