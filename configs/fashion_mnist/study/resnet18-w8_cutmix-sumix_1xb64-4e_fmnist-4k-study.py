# Short-schedule Fashion-MNIST study of 2026-11-25 (docs/study.md, "Earlier
# short study"; run with tools/analysis_tools/fmnist_study.py as of commit
# 453e91b). One fixed schedule for every {mixer} x {baseline, SUMix batch,
# SUMix sample} x seed run, sized for ~100 s per run on 2 CPU cores:
# ResNet-18 (CIFAR stem) at 1/8 width (8 base channels), 28 px grey input,
# a fixed 4k training subset
# (the first 4000 images), 4 epochs at batch 64, SGD + cosine, validation on
# the full 10k test set at epochs 3 and 4 only.
# The study script sets the mixer, SUMix on/off, lam_reduction and the seed
# with --cfg-options; run by hand, this file is CutMix + SUMix ('batch').
_base_ = [
    '../../_base_/models/resnet18_cifar_mix.py',
    '../../_base_/datasets/fashion_mnist_bs64.py',
    '../../_base_/schedules/sgd_cosine_short.py',
    '../../_base_/default_runtime.py',
]

max_epochs = 4
model = dict(
    backbone=dict(in_channels=1, stem_channels=8, base_channels=8),
    head=dict(num_classes=10, in_channels=64),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
train_dataloader = dict(dataset=dict(indices=4000))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, by_epoch=True,
         eta_min=0., convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_begin=3,
                 val_interval=1)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1))
