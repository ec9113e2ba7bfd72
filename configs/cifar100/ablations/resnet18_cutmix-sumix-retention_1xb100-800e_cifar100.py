# Ablation, SUMix ratio 'retention' (eta 0.5), per-sample weights.
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=dict(ratio='retention', eta=0.5, lam_reduction='sample'))
