# Ablation, SUMix ratio 'saliency': lam_tilde = share of saliency mass of x_a
# that survives the mask (no model), per-sample weights.
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=dict(ratio='saliency', blend=0.0, lam_reduction='sample'))
