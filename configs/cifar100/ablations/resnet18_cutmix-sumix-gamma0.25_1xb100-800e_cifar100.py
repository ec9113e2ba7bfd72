# Ablation, gamma sweep: SUMix with gamma 0.25 (main config: 0.5).
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=dict(gamma=0.25))
