# TransMix (Chen et al., CVPR 2022; SUMix off):
# DeiT-S (224 px), CIFAR-100.
# Labels of CutMix-mixed batches from the class token's attention in the
# last block (heads averaged), averaged with the area (the authors' code);
# the authors' DeiT mixing (Mixup 0.8 / CutMix 1.0, switch 0.5) and label
# smoothing 0.1 (their soft-target loss). One forward pass per step.
_base_ = ['../deit-small_cutmix-sumix_1xb100-200e_cifar100-224px.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='LabelSmoothLoss',
                        label_smooth_val=0.1, mode='original')),
    mixer=dict(_delete_=True, type='BatchTransMix', mixup_alpha=0.8,
               cutmix_alpha=1.0, switch_prob=0.5, area_weight=0.5),
    sumix=None)
