# SAMix (Li et al., arXiv 2111.15454) on ResNet-18 (CIFAR stem),
# Tiny-ImageNet-200, 400 epochs (AutoMixClassifier, docs/mixers.md "AutoMix
# and SAMix"). The method's settings are OpenMixup's
# configs/classification/tiny_imagenet/samix/basic/r18/
# unsampling_modebilinear/r18_l2_a2_bili_val_dp0_mul_mb_mlr1e_3_bb_mlr5e_2_ep400.py
# (68.89 in its table): the Tiny-ImageNet AutoMix config plus SAMix's Mixer
# (lam embedding without rescale, lam_mul_k -1; non-linear value network;
# symmetric query/key; bilinear masks; L1+Variance mask loss) and the
# eta-balanced loss (eta 0.5, softmax form as released: equal to the mixup
# cross-entropy, docs/mixers.md); no mask adjustment. No pre-trained Mixer.
_base_ = ['./resnet18_automix_1xb100-400e_tiny-imagenet.py']

model = dict(
    mix_block=dict(
        up_mode='bilinear', lam_mul=1.0, lam_residual=True, lam_mul_k=-1,
        value_hidden=128, x_qk_concat=True, mask_loss_mode='L1+Variance',
        mask_loss_margin=0.1),
    mix_block_loss=dict(type='EtaBalancedMixLoss', eta=0.5,
                        use_sigmoid=False))
