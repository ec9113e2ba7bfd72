# Ablation, mixer alpha: CutMix with alpha 1.0 (lam ~ U(0, 1))
# instead of 0.2, SUMix unchanged.
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(mixer=dict(alpha=1.0))
