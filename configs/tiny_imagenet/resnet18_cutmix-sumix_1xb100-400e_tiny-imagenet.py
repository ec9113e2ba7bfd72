# CutMix + SUMix (gamma 1.0):
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200.
# The root of the grid
#   resnet18_*_1xb100-400e_tiny-imagenet
# every other config there inherits it and says what differs.
_base_ = [
    '../_base_/models/resnet18_cifar_mix.py',
    '../_base_/datasets/tiny_imagenet_bs100.py',
    '../_base_/schedules/tiny-imagenet_sgd-cosine_400e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=200),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=1.0, lam_reduction='batch'))
