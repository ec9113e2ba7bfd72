# Oracle reference: CutMix labelled with the true pixel-mass share of each
# source (TrueShareMixer, objects on black), no SUMix. It needs the truth,
# so it bounds what any ratio correction can gain; not a method.
_base_ = ['./resnet18-w16_cutmix-sumix_fmnist-demo.py']

model = dict(
    mixer=dict(
        _delete_=True,
        type='TrueShareMixer',
        mixer=dict(type='BatchCutMix', alpha=0.2),
        mean=[72.94],  # = data_preprocessor.mean / std
        std=[90.02],
        background=0.0),
    sumix=None)
