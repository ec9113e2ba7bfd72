# ResNeXt-50 (32x4d) with the CIFAR stem (3x3 conv, stride 1, no max-pool;
# sumix_ext's ResNeXt_CIFAR), trained by MixupClassifier with CutMix + SUMix.
# The benchmark grids set `mixer`/`sumix` in their leaf configs.
model = dict(
    type='MixupClassifier',
    backbone=dict(
        type='ResNeXt_CIFAR', depth=50, groups=32, width_per_group=4,
        num_stages=4, out_indices=(3, ), style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='SUMixHead',
        num_classes=100,
        in_channels=2048,
        is_norm=True,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
