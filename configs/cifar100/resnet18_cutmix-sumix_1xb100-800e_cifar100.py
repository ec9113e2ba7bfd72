# CutMix + SUMix (gamma 0.5):
# ResNet-18 (CIFAR stem), CIFAR-100.
# The root of the grid
#   resnet18_*_1xb100-800e_cifar100
# every other config there inherits it and says what differs.
_base_ = [
    '../_base_/models/resnet18_cifar_mix.py',
    '../_base_/datasets/cifar100_bs100.py',
    '../_base_/schedules/cifar_sgd-cosine_800e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=100),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'))
