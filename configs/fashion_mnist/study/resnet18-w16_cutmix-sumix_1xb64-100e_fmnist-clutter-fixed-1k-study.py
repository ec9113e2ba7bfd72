# "Cluttered scenes, fixed training set" regime of the SUMix study
# (docs/study.md): the cluttered-scene regime with one change - every
# training image has ONE scene (object size, position, flip, background
# crop drawn from (seed 2, sample index), like validation/test), instead of
# a new scene every epoch. 1000 fixed scenes are a small, fixed training set
# that a ResNet-18 can memorise: the setting where mixup usually pays, and
# the lever the calibration (docs/results/clutter_calibration.md) had not
# tried. Backgrounds stay disjoint between training ('train' photographs)
# and validation/test ('eval' photographs); the object mask travels with
# every sample, so the oracle and the ratio fidelity tool use the true
# object share. Run by hand this file is CutMix (alpha 0.2) + official SUMix.
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py']

train_pipeline = [
    dict(
        type='PasteOnBackground',
        object_size=(10, 18),
        contrast=0.5,
        backgrounds='train',
        flip_prob=0.5,
        fixed=True,
        seed=2),
    dict(type='PackInputs', algorithm_keys=['object_mask']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
