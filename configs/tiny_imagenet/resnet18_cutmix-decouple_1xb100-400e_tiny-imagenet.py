# DecoupleMix loss (Liu et al., NeurIPS 2023) over CutMix (alpha 0.2), SUMix off:
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200, 400 epochs. eta weights as OpenMixup's
# configs/classification/cifar100/mixups/decouple/r18/
# r18_cutmix_CE_soft_decouple_a0_2_ep800.py (OpenMixup ships no Tiny-ImageNet DecoupleMix config: its CIFAR-100 setting).
_base_ = ['./resnet18_cutmix-sumix_1xb100-400e_tiny-imagenet.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchCutMix', alpha=0.2),
    sumix=None,
    mix_loss=dict(type='DecoupleMixLoss', eta=0.1, mode='less', thr=0.5,
                  lam_scale_mode='pow', lam_thr=1.0, lam_idx=0.5))
