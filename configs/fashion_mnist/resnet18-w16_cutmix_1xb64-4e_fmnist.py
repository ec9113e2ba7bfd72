# Baseline beside the demo: the same run with SUMix switched off.
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

model = dict(sumix=None)
