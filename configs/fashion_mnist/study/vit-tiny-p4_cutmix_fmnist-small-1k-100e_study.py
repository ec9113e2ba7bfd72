# Tiny-ViT version of the "small objects" study regime (docs/study.md):
# the data, pipelines, splits and schedule length of
# resnet18-w16_fmnist-small-1k-100e_study with the tiny vision transformer
# and the AdamW recipe of vit-tiny-p4_cutmix_fmnist-clutter-1k-100e_study
# (so TransMix's attention labels can be scored on both regimes by the
# ratio fidelity tool). Run by hand: CutMix (alpha 0.2) + official SUMix.
_base_ = [
    './resnet18-w16_fmnist-small-1k-100e_study.py',
    '../../_base_/models/vit-tiny-p4_fmnist_mix.py',
]

model = {{_base_.vit_tiny_p4_fmnist}}
max_epochs = 100
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05, eps=1e-8,
                   betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0,
        custom_keys={'.cls_token': dict(decay_mult=0.0),
                     '.pos_embed': dict(decay_mult=0.0)}),
    clip_grad=dict(max_norm=5.0),
)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 10, by_epoch=True,
         begin=10, end=max_epochs, eta_min=0., convert_to_iter_based=True),
]
