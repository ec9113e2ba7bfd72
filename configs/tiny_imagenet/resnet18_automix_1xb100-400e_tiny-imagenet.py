# AutoMix (Liu et al., ECCV 2022): a learned Mix Block beside the classifier
# (AutoMixClassifier, docs/mixers.md "AutoMix and SAMix"). ResNet-18 (CIFAR
# stem), Tiny-ImageNet-200, 400 epochs. The method's settings are OpenMixup's
# configs/classification/tiny_imagenet/automix/basic/
# r18_l2_a2_near_mb_mlr1e_3_bb_mlr5e_2.py (67.33 in its table): as the
# CIFAR-100 AutoMix config (alpha 2, stage 3, nearest, L1 mask loss 0.1 with
# margin 0.1, momentum 0.999 -> 0.999999, lam margin 0.08), with its
# learning rates: the network 0.2 -> 0.05 (cosine), the Mix Block 0.1 ->
# 0.001 (its own cosine). Data, optimizer and epochs: this grid's CutMix
# config.
_base_ = ['./resnet18_cutmix_1xb100-400e_tiny-imagenet.py']

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
optim_wrapper = dict(paramwise_cfg=dict(
    custom_keys={'mix_block': dict(lr_mult=0.5, eta_min=1e-3)}))
param_scheduler = [
    dict(type='GroupCosineAnnealingLR', T_max=400, by_epoch=True,
         eta_min=0.05),
]
