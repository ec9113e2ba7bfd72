# CUB-200-2011 (200 classes), batch 16 on 1 GPU. The fine-grained protocol
# shared by CUB, FGVC-Aircraft and Stanford Cars (their pieces inherit this
# one and only swap the dataset): Resize 256x256 -> RandomResizedCrop 224
# (scale 0.5-1) + flip; test: Resize 256x256 + CenterCrop 224.
# Data: data/CUB_200_2011 as extracted (see configs/README.md).
dataset_type = 'LocalCUB'
data_root = 'data/CUB_200_2011'
data_preprocessor = dict(
    type='ClsDataPreprocessor',
    num_classes=200,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True,
)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256)),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.5, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 test_mode=True, pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
