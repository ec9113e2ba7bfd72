# Official SUMix with the regulariser's distances at scale 1 instead of N
# (at N/sqrt(K) = 20 the official R has almost no gradient).
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

model = dict(sumix=dict(reg_scale=1.0))
