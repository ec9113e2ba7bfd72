# Ablation: official SUMix without the uncertainty regulariser (gamma 0).
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=dict(gamma=0.0))
