# Fair regime of the SUMix study (docs/study.md,
# tools/analysis_tools/sumix_study.py), from the measured pilot: ResNet-18
# (CIFAR stem) at width 16, the first 1000 Fashion-MNIST training images,
# 100 epochs at batch 64 (15 iterations/epoch), SGD 0.1 + cosine.
# Validation on 5000 images held out of the training set (train[55000:60000])
# at epochs 80, 85, 90, 95, 100 (all choices are made on it); the 10k test
# set is evaluated once, on the final checkpoint, by the study tool
# (tools/test.py). About 6-8 min per run on one CPU thread.
# Run by hand this file is CutMix + official SUMix (fast clean pass); the
# study sets mixer / SUMix / seed with --cfg-options (model.sumix=None:
# CutMix).
_base_ = [
    '../../_base_/models/resnet18_cifar_mix.py',
    '../../_base_/datasets/fashion_mnist_bs64.py',
    '../../_base_/schedules/sgd_cosine_short.py',
    '../../_base_/default_runtime.py',
]

max_epochs = 100
model = dict(
    backbone=dict(in_channels=1, stem_channels=16, base_channels=16),
    head=dict(num_classes=10, in_channels=128),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
    clean_pass='no_grad',
)
train_dataloader = dict(dataset=dict(indices=1000))
val_dataloader = dict(
    dataset=dict(split='train', index_range=(55000, 60000), test_mode=True))
test_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,  # the stock mmpretrain tools default to True
    dataset=dict(
        type='LocalFashionMNIST',
        data_root='/usr/share/datasets/fashion-mnist',
        split='test', test_mode=True, pipeline=[dict(type='PackInputs')]),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, by_epoch=True,
         eta_min=0., convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_begin=80,
                 val_interval=5)
default_hooks = dict(
    logger=dict(interval=100),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=1))
