# Your own dataset as image folders (docs/custom_dataset.md): CutMix + SUMix
# on mmpretrain's CustomDataset. Layout:
#   data/my_dataset/train/<class name>/*.{jpg,png,...}
#   data/my_dataset/val/<class name>/*.{jpg,png,...}
# Class ids follow the sorted sub-folder names. Set num_classes and
# data_root here, or on the command line the dataloaders' own keys:
# train_dataloader.dataset.data_root=... (and val_). ResNet-18, CIFAR stem, at
# 64 px; for large photos use configs/_base_/models/resnet18_mix.py.
_base_ = [
    '../_base_/models/resnet18_cifar_mix.py',
    '../_base_/schedules/sgd_cosine_short.py',
    '../_base_/default_runtime.py',
]

data_root = 'data/my_dataset'
num_classes = 2
img_size = 64
max_epochs = 30

data_preprocessor = dict(
    type='ClsDataPreprocessor',
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],  # ImageNet RGB statistics
    std=[58.395, 57.12, 57.375],
    to_rgb=True,  # LoadImageFromFile reads BGR
)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=img_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=img_size, edge='short'),
    dict(type='CenterCrop', crop_size=img_size),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(type='CustomDataset', data_root=data_root,
                 data_prefix='train', pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
    drop_last=True,  # a last batch of one image has no partner to mix
)
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(type='CustomDataset', data_root=data_root,
                 data_prefix='val', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator

model = dict(
    head=dict(num_classes=num_classes, in_channels=512),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
# T_max must follow max_epochs (the cosine is periodic)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, by_epoch=True,
         eta_min=0., convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
