# Ablation, SUMix ratio 'scaled': batch-size-free scale tau*sqrt(K) (tau
# 0.5), paper direction, per-sample weights.
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(
    sumix=dict(ratio='scaled', tau=0.5, direction='paper',
               lam_reduction='sample'))
