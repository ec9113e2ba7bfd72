# CIFAR-100 upsampled to 224 px for transformers (DeiT-S, Swin-T), batch 100:
# RandomResizedCrop 224 + flip + RandAugment (timm rand-m9-mstd0.5) +
# RandomErasing (p 0.25); test: Resize 224 (bicubic).
_base_ = ['./cifar100_bs100.py']

# CIFAR pickles are RGB: fills use the RGB mean/std
rgb_mean = [129.304, 124.070, 112.434]
rgb_std = [68.170, 65.392, 70.418]
train_pipeline = [
    dict(type='RandomResizedCrop', scale=224, backend='pillow',
         interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandAugment', policies='timm_increasing', num_policies=2,
         total_level=10, magnitude_level=9, magnitude_std=0.5,
         hparams=dict(pad_val=[129, 124, 112],
                      interpolation='bicubic')),
    dict(type='RandomErasing', erase_prob=0.25, mode='rand',
         min_area_ratio=0.02, max_area_ratio=1 / 3,
         fill_color=rgb_mean, fill_std=rgb_std),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='Resize', scale=224, backend='pillow', interpolation='bicubic'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
