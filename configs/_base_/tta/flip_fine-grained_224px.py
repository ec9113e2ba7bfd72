# Flip test-time augmentation for the fine-grained families (CUB-200-2011,
# FGVC-Aircraft, Stanford Cars): their test pipeline (load, resize to 256,
# centre crop 224; _base_/datasets/*_bs16.py) with its PackInputs replaced by
# the image and its horizontal flip, whose class scores mmpretrain's
# AverageClsScoreTTA averages. A family's tta/ config lists this piece after
# its grid root (tests/test_configs/test_tta_configs.py checks the two
# pipelines agree).
tta_model = dict(type='AverageClsScoreTTA')
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='TestTimeAug',
         transforms=[[dict(type='RandomFlip', prob=1.),
                      dict(type='RandomFlip', prob=0.)],
                     [dict(type='PackInputs')]]),
]
