# Ablation: official SUMix without the uncertainty regulariser (gamma 0).
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

model = dict(sumix=dict(gamma=0.0))
