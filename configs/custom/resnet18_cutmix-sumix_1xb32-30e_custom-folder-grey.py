# The same for grey images (e.g. PNG scans): read one channel and give the
# backbone one input channel (docs/custom_dataset.md).
_base_ = ['./resnet18_cutmix-sumix_1xb32-30e_custom-folder.py']

data_preprocessor = dict(mean=[127.5], std=[127.5], to_rgb=False)
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='RandomResizedCrop', scale=64),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]))
val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='ResizeEdge', scale=64, edge='short'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='PackInputs'),
]))
test_dataloader = val_dataloader
model = dict(backbone=dict(in_channels=1))
