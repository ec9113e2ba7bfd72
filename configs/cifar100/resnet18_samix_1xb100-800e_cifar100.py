# SAMix (Li et al., arXiv 2111.15454): AutoMix's Mix Block with SAMix's lam
# embedding, non-linear value network ("non-linear content modelling"),
# symmetric query/key, bilinear masks, L1+Variance mask loss and the
# eta-balanced mixup loss for the Mix Block (AutoMixClassifier,
# docs/mixers.md "AutoMix and SAMix"). ResNet-18 (CIFAR stem), CIFAR-100,
# 800 epochs. The method's settings are OpenMixup's
# configs/classification/cifar100/samix/basic/r18/unsampling_modebilinear/
# r18_l2_a2_bili_val_dp0_mul_x_cat_L1_var_01_mlr5e_2_lam_mul_k0_25_mask_adjust0_25_ep800.py
# (82.30 in its table): lam_mul_k 0.25, mask_adjust 0.25, eta 0.5 in the
# softmax form of its released config (where eta changes nothing: the Mix
# Block's loss equals the mixup cross-entropy; docs/mixers.md), and the
# AutoMix settings otherwise (alpha 2, stage 3, momentum 0.999 -> 0.999999,
# lam margin 0.08, cosine to 0.05). No pre-trained Mixer (SAMix-P): this
# config trains it online, as OpenMixup's.
_base_ = ['./resnet18_automix_1xb100-800e_cifar100.py']

model = dict(
    mask_adjust=0.25,
    mix_block=dict(
        up_mode='bilinear', lam_mul=1.0, lam_residual=True, lam_mul_k=0.25,
        value_hidden=128, x_qk_concat=True, mask_loss_mode='L1+Variance',
        mask_loss_margin=0.1),
    mix_block_loss=dict(type='EtaBalancedMixLoss', eta=0.5,
                        use_sigmoid=False))
