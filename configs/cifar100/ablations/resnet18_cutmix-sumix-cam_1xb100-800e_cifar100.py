# Ablation, SUMix ratio 'cam' (SnapMix-style CAM share, half blended with
# the area lam), per-sample weights.
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=dict(ratio='cam', blend=0.5, lam_reduction='sample'))
