# No mixup (plain training of the same model):
# ResNet-18 (CIFAR stem), CIFAR-100.
_base_ = ['./resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(mixer=None, sumix=None)
