# Baseline beside the demo: the same run with SUMix switched off.
_base_ = ['./resnet18-w16_cutmix-sumix_fmnist-demo.py']

model = dict(sumix=None)
