# Oracle arm of the "small objects" study regime: CutMix labelled with the
# true pixel-mass share of each source (TrueShareMixer), no SUMix.
_base_ = [
    './resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-small-1k-study.py',
    '../../_base_/mixers/true_share_cutmix_fmnist.py',
]

model = dict(mixer={{_base_.oracle_mixer}}, sumix=None)
