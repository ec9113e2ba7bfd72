# SaliencyMix baseline (SUMix off):
# WRN-28-8, CIFAR-100.
_base_ = ['./wrn28-8_saliencymix-sumix_1xb100-400e_cifar100.py']

model = dict(sumix=None)
