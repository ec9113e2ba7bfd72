# No mixup (plain training of the same model):
# Swin-T (224 px), CIFAR-100.
_base_ = ['./swin-tiny_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(mixer=None, sumix=None)
