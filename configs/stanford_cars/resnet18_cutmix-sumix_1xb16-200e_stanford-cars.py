# CutMix + SUMix (gamma 0.5):
# ResNet-18 (ImageNet-pretrained), Stanford Cars.
# The root of the grid
#   resnet18_*_1xb16-200e_stanford-cars
# every other config there inherits it and says what differs.
_base_ = [
    '../_base_/models/resnet18_in1k-pre_mix.py',
    '../_base_/datasets/stanford_cars_bs16.py',
    '../_base_/schedules/fine-grained_sgd-cosine_200e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=196),
    mixer=dict(type='BatchCutMix', alpha=0.2),
    sumix=dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch'))
