# SUMix ratio 'cam' (SnapMix-style): share of each clean image's class
# activation mass that survives the mask, blended half with the area lam
# (blend chosen on the validation split by ratio fidelity).
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

model = dict(sumix=dict(ratio='cam', blend=0.5, lam_reduction='sample'))
