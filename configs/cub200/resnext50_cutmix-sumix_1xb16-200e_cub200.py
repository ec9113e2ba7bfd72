# CutMix + SUMix (gamma 0.5):
# ResNeXt-50 32x4d (ImageNet-pretrained), CUB-200-2011.
# The root of the grid
#   resnext50_*_1xb16-200e_cub200
# every other config there inherits it and says what differs.
_base_ = [
    '../_base_/models/resnext50_in1k-pre_mix.py',
    '../_base_/datasets/cub200_bs16.py',
    '../_base_/schedules/fine-grained_sgd-cosine_200e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=200),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'))
