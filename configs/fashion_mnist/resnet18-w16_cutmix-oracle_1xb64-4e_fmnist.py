# Oracle reference: CutMix labelled with the true pixel-mass share of each
# source (TrueShareMixer, objects on black), no SUMix. It needs the truth,
# so it bounds what any ratio correction can gain; not a method.
_base_ = [
    './resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py',
    '../_base_/mixers/true_share_cutmix_fmnist.py',
]

model = dict(mixer={{_base_.oracle_mixer}}, sumix=None)
