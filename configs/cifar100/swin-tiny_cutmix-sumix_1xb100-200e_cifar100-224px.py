# CutMix + SUMix (gamma 0.5):
# Swin-T (224 px), CIFAR-100.
# The root of the grid
#   swin-tiny_*_1xb100-200e_cifar100-224px
# every other config there inherits it and says what differs.
_base_ = [
    '../_base_/models/swin-tiny_mix.py',
    '../_base_/datasets/cifar100_224px_randaug_bs100.py',
    '../_base_/schedules/cifar_adamw-cosine_200e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=100),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'))
optim_wrapper = dict(optimizer=dict(lr=5e-4))  # Swin-T: 5e-4
