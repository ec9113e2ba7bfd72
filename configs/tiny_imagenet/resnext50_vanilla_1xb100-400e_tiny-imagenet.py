# No mixup (plain training of the same model):
# ResNeXt-50 32x4d (CIFAR stem), Tiny-ImageNet-200.
_base_ = ['./resnext50_cutmix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(mixer=None, sumix=None)
