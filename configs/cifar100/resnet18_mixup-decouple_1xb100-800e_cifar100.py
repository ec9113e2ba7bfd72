# DecoupleMix loss (Liu et al., NeurIPS 2023) over Mixup (alpha 0.2, as there), SUMix off:
# ResNet-18 (CIFAR stem), CIFAR-100, 800 epochs. eta weights as OpenMixup's
# configs/classification/cifar100/mixups/decouple/r18/
# r18_mixup_CE_soft_decouple_a0_2_ep800.py.
_base_ = ['./resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchMixup', alpha=0.2),
    sumix=None,
    mix_loss=dict(type='DecoupleMixLoss', eta=0.01, mode='more', thr=0.5,
                  lam_scale_mode='pow', lam_thr=1.0, lam_idx=0.5))
