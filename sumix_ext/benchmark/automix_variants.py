"""The AutoMix / SAMix step variants of the step benchmark: (am)/(sa)
with the ResNet-18 CIFAR configs' method settings, (va)/(vs) with the
DeiT-S configs' on the benchmark's ViT (see :mod:`.variants`); a trailing
``j`` ((aj), (sj), (vaj), (vsj)): the same with OpenMixup's one backward
over every graph (``free_momentum_graph=False``,
``free_one_hot_graph=False``)."""


#: the one-backward variants and the variant each repeats
JOINT = {'aj': 'am', 'sj': 'sa', 'vaj': 'va', 'vsj': 'vs'}


def automix_cfg(variant: str, backbone: dict, feat: int, preproc: dict,
                args) -> dict:
    """The variant's ``AutoMixClassifier`` config (module docstring)."""
    if variant in JOINT:
        return dict(_automix_cfg(JOINT[variant], backbone, feat, preproc,
                                 args), free_momentum_graph=False,
                    free_one_hot_graph=False)
    return _automix_cfg(variant, backbone, feat, preproc, args)


def _automix_cfg(variant: str, backbone: dict, feat: int, preproc: dict,
                 args) -> dict:
    """(am)/(sa): ``AutoMixClassifier`` with the CIFAR-100 configs' method
    settings; SAMix's value network has half the stage-3 channels
    (``feat // 4``: 128 at ResNet-18, as OpenMixup's). (va)/(vs): the
    DeiT-S configs' settings on the (v) ViT."""
    if variant in ('va', 'vs'):
        return vit_automix_cfg(variant, backbone, feat, preproc, args)
    block = dict(type='PixelMixBlock', up_mode='nearest',
                 mask_loss_mode='L1', mask_loss_margin=0.1)
    extra = {}
    if variant == 'sa':
        block = dict(type='PixelMixBlock', up_mode='bilinear', lam_mul=1.0,
                     lam_residual=True, lam_mul_k=0.25,
                     value_hidden=feat // 4, x_qk_concat=True,
                     mask_loss_mode='L1+Variance', mask_loss_margin=0.1)
        extra = dict(mask_adjust=0.25, mix_block_loss=dict(
            type='EtaBalancedMixLoss', eta=0.5))
    return dict(
        type='AutoMixClassifier', backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=args.num_classes,
                  in_channels=feat,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        data_preprocessor=preproc, alpha=2.0, momentum_end=0.999999,
        mix_block=block, **extra)


def vit_automix_cfg(variant: str, backbone: dict, feat: int,
                    preproc: dict, args) -> dict:
    """(va)/(vs): ``configs/cifar100/deit-small_{automix,samix}_*.py``'s
    method settings on the (v) ViT (12 layers; the Mix Block on layer 6)."""
    block = dict(type='PixelMixBlock', up_mode='nearest', lam_concat=True,
                 mask_loss_mode='L1', mask_loss_margin=0.1)
    if variant == 'vs':
        block = dict(type='PixelMixBlock', up_mode='nearest', lam_mul=1.0,
                     lam_residual=True, lam_mul_k=-1, value_hidden=feat // 2,
                     value_dropout=0.1, x_qk_concat=True,
                     mask_loss_mode='L1+Variance', mask_loss_margin=0.1)
    return dict(
        type='AutoMixClassifier', backbone=backbone, neck=None,
        head=dict(type='LinearClsHead', num_classes=args.num_classes,
                  in_channels=feat,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        data_preprocessor=preproc, alpha=2.0, momentum_end=0.99996,
        momentum_begin=0.25, mask_stage=5, mask_loss_decay='cosine',
        mix_block=block)
