# Flip test-time augmentation for CIFAR-100 at 224 px (DeiT-S, Swin-T): mmpretrain's TTA, the class
# scores of each test image and of its horizontal flip averaged
# (AverageClsScoreTTA). The model and data are this folder's grid root, so
# every checkpoint of the folder's grid with the same backbone can be tested
# with it, by our tool or by mmpretrain's own:
#   python tools/test.py configs/cifar100/tta/deit-small_cutmix-sumix_1xb100-200e_cifar100-224px_flip-tta.py CKPT --tta
# The TTA pipeline is the test pipeline with its PackInputs replaced by the
# two flips (tests/test_configs/test_tta_configs.py checks they agree).
_base_ = ['../deit-small_cutmix-sumix_1xb100-200e_cifar100-224px.py']

tta_model = dict(type='AverageClsScoreTTA')
tta_pipeline = [
    dict(type='Resize', scale=224, backend='pillow', interpolation='bicubic'),
    dict(type='TestTimeAug',
         transforms=[[dict(type='RandomFlip', prob=1.),
                      dict(type='RandomFlip', prob=0.)],
                     [dict(type='PackInputs')]]),
]
