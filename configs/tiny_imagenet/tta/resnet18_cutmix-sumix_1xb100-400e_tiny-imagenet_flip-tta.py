# Flip test-time augmentation for Tiny-ImageNet: mmpretrain's TTA, the class
# scores of each test image and of its horizontal flip averaged
# (AverageClsScoreTTA). The model and data are this folder's grid root, so
# every checkpoint of the folder's grid with the same backbone can be tested
# with it, by our tool or by mmpretrain's own:
#   python tools/test.py configs/tiny_imagenet/tta/resnet18_cutmix-sumix_1xb100-400e_tiny-imagenet_flip-tta.py CKPT --tta
# The TTA pipeline is the test pipeline with its PackInputs replaced by the
# two flips (tests/test_configs/test_tta_configs.py checks they agree).
_base_ = ['../resnet18_cutmix-sumix_1xb100-400e_tiny-imagenet.py']

tta_model = dict(type='AverageClsScoreTTA')
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='TestTimeAug',
         transforms=[[dict(type='RandomFlip', prob=1.),
                      dict(type='RandomFlip', prob=0.)],
                     [dict(type='PackInputs')]]),
]
