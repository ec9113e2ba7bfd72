# CutMix + SUMix (gamma 0.5):
# ResNet-18, ImageNet-1K.
# The root of the grid
#   resnet18_*_4xb64-100e_in1k
# every other config there inherits it and says what differs.
_base_ = [
    '../_base_/models/resnet18_mix.py',
    '../_base_/datasets/imagenet_bs64.py',
    '../_base_/schedules/imagenet_sgd-cosine_100e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=1000),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'))
