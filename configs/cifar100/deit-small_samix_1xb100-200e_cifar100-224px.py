# SAMix (Li et al., arXiv 2111.15454) on DeiT-S (224 px), CIFAR-100: AutoMix's
# Mix Block with SAMix's lam embedding (multiplied, residual, lam_mul_k -1)
# and non-linear value network (1x1 convs, 192 hidden, dropout 0.1),
# symmetric query/key, L1+Variance mask loss 0.1 with margin 0.1 (weight
# decayed per iteration as OpenMixup's), the Mix Block at the classifier's
# learning rate. The method's settings are OpenMixup's
# configs/classification/cifar100/samix/vits/
# deit_s_l6_a2_near_val_dp01_sz224_mlr1e_4_bs100_ep200.py; its Mix Block
# trains with the plain mixup loss there (no eta-balanced loss) and without
# mask_adjust. Everything else as ./deit-small_automix_1xb100-200e_cifar100-224px.py
# (OpenMixup: lr 7.5e-4, 20 warm-up epochs, clip 20, label smoothing 0.1).
_base_ = ['./deit-small_automix_1xb100-200e_cifar100-224px.py']

model = dict(
    mix_block=dict(
        lam_concat=False, lam_mul=1.0, lam_residual=True, lam_mul_k=-1,
        value_hidden=192, value_dropout=0.1, x_qk_concat=True,
        mask_loss_mode='L1+Variance', mask_loss_margin=0.1))
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'mix_block': dict(lr_mult=1.0)}))
