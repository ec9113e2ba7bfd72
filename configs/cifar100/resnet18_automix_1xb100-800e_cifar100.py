# AutoMix (Liu et al., ECCV 2022): a learned Mix Block beside the classifier
# (AutoMixClassifier, docs/mixers.md "AutoMix and SAMix"). ResNet-18 (CIFAR
# stem), CIFAR-100, 800 epochs. The method's settings are OpenMixup's
# configs/classification/cifar100/automix/basic/r18/unsampling_modenearest/
# r18_l2_a2_near_L1_01_mlr5e_2_ep800.py (82.04 in its table): alpha 2, Mix
# Block on stage 3 (mask_stage=2), nearest upsampling, L1 mask loss 0.1 with
# margin 0.1, momentum 0.999 -> 0.999999 (cosine after 10% of the
# iterations), plain Mixup when lam or 1-lam <= 0.08, and its learning-rate
# floor: cosine to 0.05, not 0 ("for the momentum encoder"). Data, optimizer
# and epochs: this grid's CutMix config.
_base_ = ['./resnet18_cutmix_1xb100-800e_cifar100.py']

model = dict(
    type='AutoMixClassifier',
    mixer=None,
    sumix=None,
    alpha=2.0,
    momentum=0.999,
    momentum_end=0.999999,
    momentum_begin=0.1,
    mask_stage=2,
    mask_loss=0.1,
    mask_adjust=0.0,
    lam_margin=0.08,
    # in_channels is read from the backbone (256 at ResNet-18 stage 3)
    mix_block=dict(
        type='PixelMixBlock', reduction=2, use_scale=True, up_mode='nearest',
        mask_loss_mode='L1', mask_loss_margin=0.1))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=800, by_epoch=True, eta_min=0.05),
]
