# Ablation: the random cutting mixer with SUMix switched off.
_base_ = ['./resnet18_randmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=None)
