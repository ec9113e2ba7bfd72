# "Small objects" variant of the SUMix study regime (docs/study.md): the
# same model, data, schedule and splits as resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study,
# but every garment is shrunk to 14x14 and placed on the black 28x28 canvas:
# at a random position for training (pad 14, random 28x28 crop: the object
# is always whole), centred for validation and test. CutMix boxes then often
# cover background, so the area lam is often far from the true object share:
# a regime where a ratio correction *could* matter. Its gate is the oracle
# (true-share labels) beating plain CutMix.
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py']

small = dict(type='Resize', scale=(14, 14), interpolation='bilinear')
train_pipeline = [
    small,
    dict(type='RandomCrop', crop_size=28, padding=14, pad_val=0),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    small,
    dict(type='RandomCrop', crop_size=28, padding=7, pad_val=0),  # centred
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
