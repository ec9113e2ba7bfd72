# "Cluttered scenes" regime of the SUMix study (docs/study.md): the fair
# regime's model, data size, schedule and splits, but every garment is
# resized to a random 10-18 px, placed at a random position and
# alpha-composited (alpha = its own intensity) onto a random crop of a real
# grey photograph / texture shipped in scikit-image (PasteOnBackground),
# at half contrast. Training uses one set of photographs, validation and
# test another (backgrounds cannot be memorised); training scenes are drawn
# anew every epoch, validation/test scenes are fixed per image. The object
# mask travels with every sample (data_sample.object_mask): the oracle
# labels with the true object share, the ratio fidelity tool
# (--truth sample) scores against it.
# Run by hand this file is CutMix (alpha 0.2) + official SUMix (fast clean
# pass); the study tool switches mixer / SUMix / seed by --cfg-options and
# derives the oracle arm (TrueShareMixer(truth='sample')) from this file.
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py']

clutter = dict(type='PasteOnBackground', object_size=(10, 18), contrast=0.5)
pack = dict(type='PackInputs', algorithm_keys=['object_mask'])
train_pipeline = [
    dict(clutter, backgrounds='train', flip_prob=0.5),
    pack,
]
val_pipeline = [dict(clutter, backgrounds='eval', fixed=True, seed=0), pack]
test_pipeline = [dict(clutter, backgrounds='eval', fixed=True, seed=1), pack]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
