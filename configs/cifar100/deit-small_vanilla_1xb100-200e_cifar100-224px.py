# No mixup (plain training of the same model):
# DeiT-S (224 px), CIFAR-100.
_base_ = ['./deit-small_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(mixer=None, sumix=None)
