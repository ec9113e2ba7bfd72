# Ablation: official SUMix with the regulariser's distances at scale 1
# instead of N = 100 (R gets a real gradient).
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=dict(reg_scale=1.0))
