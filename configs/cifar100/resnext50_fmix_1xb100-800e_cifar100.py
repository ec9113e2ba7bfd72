# FMix baseline (SUMix off):
# ResNeXt-50 32x4d (CIFAR stem), CIFAR-100.
_base_ = ['./resnext50_fmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=None)
