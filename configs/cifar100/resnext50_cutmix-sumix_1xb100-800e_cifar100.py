# CutMix + SUMix (gamma 0.5):
# ResNeXt-50 32x4d (CIFAR stem), CIFAR-100.
# The root of the grid
#   resnext50_*_1xb100-800e_cifar100
# every other config there inherits it and says what differs.
_base_ = [
    '../_base_/models/resnext50_cifar_mix.py',
    '../_base_/datasets/cifar100_bs100.py',
    '../_base_/schedules/cifar_sgd-cosine_800e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=100),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'))
# OpenMixup protocol: wd 5e-4 for the cutting mixers on ResNeXt-50
# (vanilla and Mixup keep 1e-4)
optim_wrapper = dict(optimizer=dict(weight_decay=5e-4))
