# Ablation: a random cutting mixer per batch (CutMix, SaliencyMix,
# FMix, ResizeMix, 1/4 each) + SUMix. `_delete_` replaces the
# inherited CutMix dict instead of merging into it.
_base_ = ['../resnet18_cutmix-sumix_1xb100-800e_cifar100.py']

model = dict(
    mixer=dict(
        _delete_=True,
        type='RandomMixer',
        mixers=[
            dict(type='BatchCutMix', alpha=0.2),
            dict(type='BatchSaliencyMix', alpha=0.2),
            dict(type='BatchFMix', alpha=0.2, decay_power=3, max_soft=0.0),
            dict(type='BatchResizeMix', alpha=1.0,
                 scope=(0.1, 0.8), use_alpha=True),
        ],
        probs=[0.25, 0.25, 0.25, 0.25]))
