# The README demo: SUMix + CutMix on real Fashion-MNIST in ~9 minutes on
# 2 CPU cores. ResNet-18 (CIFAR stem) at 1/4 width (16 base channels), the
# first 20k training images, 4 epochs, full 10k test set.
_base_ = [
    '../_base_/models/resnet18_cifar_mix.py',
    '../_base_/datasets/fashion_mnist_bs64.py',
    '../_base_/schedules/sgd_cosine_short.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(in_channels=1, stem_channels=16, base_channels=16),
    head=dict(num_classes=10, in_channels=128),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'),
)
train_dataloader = dict(dataset=dict(indices=20000))
default_hooks = dict(logger=dict(interval=50))
