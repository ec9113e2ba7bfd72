# Oracle arm of the SUMix study: CutMix labelled with the true pixel-mass
# share of each source (TrueShareMixer), no SUMix. Needs the truth, so it is
# a reference, not a method: it bounds what any ratio correction can gain.
_base_ = [
    './resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py',
    '../../_base_/mixers/true_share_cutmix_fmnist.py',
]

model = dict(mixer={{_base_.oracle_mixer}}, sumix=None)
