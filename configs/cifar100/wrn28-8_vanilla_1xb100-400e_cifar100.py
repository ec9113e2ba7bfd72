# No mixup (plain training of the same model):
# WRN-28-8, CIFAR-100.
_base_ = ['./wrn28-8_cutmix-sumix_1xb100-400e_cifar100.py']

model = dict(mixer=None, sumix=None)
