# SaliencyMix baseline (SUMix off):
# Swin-T (224 px), CIFAR-100.
_base_ = ['./swin-tiny_saliencymix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(sumix=None)
