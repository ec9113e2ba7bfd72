# Oracle arm of the SUMix study: CutMix labelled with the true pixel-mass
# share of each source (TrueShareMixer), no SUMix. Needs the truth, so it is
# a reference, not a method: it bounds what any ratio correction can gain.
_base_ = ['./resnet18-w16_fmnist-1k-100e_study.py']
model = dict(
    mixer=dict(
        _delete_=True,
        type='TrueShareMixer',
        mixer=dict(type='BatchCutMix', alpha=0.2),
        mean=[72.94],  # = data_preprocessor.mean / std
        std=[90.02],
        background=0.0),
    sumix=None)
