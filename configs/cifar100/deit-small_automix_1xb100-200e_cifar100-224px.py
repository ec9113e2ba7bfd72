# AutoMix (Liu et al., ECCV 2022) on DeiT-S (224 px), CIFAR-100: a learned
# Mix Block beside the classifier (AutoMixClassifier, docs/mixers.md "AutoMix
# and SAMix"). The method's settings are OpenMixup's
# configs/classification/cifar100/automix/vits/
# deit_s_l6_a2_near_L1_01_sz224_mlr1e_4_bs100_ep200.py: alpha 2, Mix Block
# on the patch tokens of layer 6 (mask_stage=5, 14 x 14 maps, nearest
# upsampling), the lam channel concatenated to query and key (AutoMix V1),
# L1 mask loss 0.1 with margin 0.1 and OpenMixup's per-iteration cosine decay
# of its weight, momentum 0.999 -> 0.99996 (cosine after 25% of the
# iterations), plain Mixup when lam or 1-lam <= 0.08, the Mix Block at twice
# the classifier's learning rate (1e-3 vs 5e-4 there) and its learning-rate
# floor 1e-4 (cosine to 1e-4, not to 1e-6). Data, optimizer, warm-up, head
# and epochs: this grid's CutMix config (OpenMixup: lr 5e-4, 5 warm-up
# epochs, clip 10, label smoothing 0.1).
_base_ = ['./deit-small_cutmix_1xb100-200e_cifar100-224px.py']

model = dict(
    type='AutoMixClassifier',
    mixer=None,
    sumix=None,
    alpha=2.0,
    momentum=0.999,
    momentum_end=0.99996,
    momentum_begin=0.25,
    mask_stage=5,
    mask_loss=0.1,
    mask_loss_decay='cosine',
    mask_adjust=0.0,
    lam_margin=0.08,
    # in_channels is read from the backbone (384 for DeiT-S)
    mix_block=dict(
        type='PixelMixBlock', reduction=2, use_scale=True, up_mode='nearest',
        lam_concat=True, mask_loss_mode='L1', mask_loss_margin=0.1))
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'mix_block': dict(lr_mult=2.0)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=20,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=180, by_epoch=True, begin=20,
         end=200, eta_min=1e-4, convert_to_iter_based=True),
]
