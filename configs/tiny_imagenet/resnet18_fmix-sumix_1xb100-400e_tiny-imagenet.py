# FMix + SUMix (gamma 1.0):
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200.
# `_delete_` replaces the inherited CutMix settings.
_base_ = ['./resnet18_cutmix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchFMix', alpha=0.2, decay_power=3,
               max_soft=0.0))
