# Oracle mixer for Fashion-MNIST configs: CutMix labelled with the true
# pixel-mass share of each source (TrueShareMixer; objects on black). A leaf
# uses it as model = dict(mixer={{_base_.oracle_mixer}}, sumix=None).
oracle_mixer = dict(
    _delete_=True,  # replace the inherited mixer, do not merge into it
    type='TrueShareMixer',
    mixer=dict(type='BatchCutMix', alpha=0.2),
    mean=[72.94],  # = data_preprocessor.mean / std
    std=[90.02],
    background=0.0)
