# SUMix ratio 'scaled': the official similarity with a batch-size-free
# scale tau*sqrt(K) (tau 0.5) and the paper's direction (the source whose
# class survives the cut gets more weight).
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

model = dict(
    sumix=dict(ratio='scaled', tau=0.5, direction='paper',
               lam_reduction='sample'))
