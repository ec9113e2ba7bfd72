# SUMix ratio 'saliency': lam_tilde = share of spectral-residual saliency
# mass of x_a that survives the mask (no model), each sample weighted by its
# own ratio.
# Closest to the true share of all forms (docs/sumix_analysis.md).
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

model = dict(sumix=dict(ratio='saliency', blend=0.0, lam_reduction='sample'))
