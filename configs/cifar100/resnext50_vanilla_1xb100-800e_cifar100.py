# No mixup (plain training of the same model):
# ResNeXt-50 32x4d (CIFAR stem), CIFAR-100.
_base_ = ['./resnext50_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(mixer=None, sumix=None)
optim_wrapper = dict(optimizer=dict(weight_decay=1e-4))
