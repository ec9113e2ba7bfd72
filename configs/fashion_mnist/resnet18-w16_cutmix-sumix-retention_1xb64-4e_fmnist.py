# SUMix ratio 'retention': lam moves (eta 0.5, damped by the clean
# confidence) towards how much of each clean class probability the mixed
# prediction retains; honest predictions leave lam unchanged.
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

model = dict(sumix=dict(ratio='retention', eta=0.5, lam_reduction='sample'))
