# Ablation: one corrected ratio lam_tilde per sample instead of the
# batch mean (lam_reduction).
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=dict(lam_reduction='sample'))
