# Fashion-MNIST (10 classes, 28x28 grey) from Debian's dataset-fashion-mnist.
dataset_type = 'LocalFashionMNIST'
data_root = '/usr/share/datasets/fashion-mnist'
data_preprocessor = dict(
    type='ClsDataPreprocessor',
    num_classes=10,
    mean=[72.94],  # 0.2860 * 255
    std=[90.02],  # 0.3530 * 255
    to_rgb=False,
)

train_pipeline = [
    dict(type='RandomCrop', crop_size=28, padding=2, padding_mode='reflect'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,  # the stock mmpretrain tools default to True
    dataset=dict(
        type=dataset_type, data_root=data_root, split='train',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
    drop_last=True,
)
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,  # the stock mmpretrain tools default to True
    dataset=dict(
        type=dataset_type, data_root=data_root, split='test',
        test_mode=True, pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
