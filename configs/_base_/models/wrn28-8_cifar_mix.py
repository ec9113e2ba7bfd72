# Wide-ResNet-28-8 (sumix_ext's WideResNet_CIFAR: 3 groups of 4
# pre-activation blocks, widths 128/256/512), MixupClassifier + CutMix + SUMix.
model = dict(
    type='MixupClassifier',
    backbone=dict(
        type='WideResNet_CIFAR', depth=28, widen_factor=8, drop_rate=0.0,
        out_indices=(2, )),
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
