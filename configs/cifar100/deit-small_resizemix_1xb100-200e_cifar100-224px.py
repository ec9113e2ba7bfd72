# ResizeMix baseline (SUMix off):
# DeiT-S (224 px), CIFAR-100.
_base_ = ['./deit-small_resizemix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(sumix=None)
