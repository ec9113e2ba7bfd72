# Flip test-time augmentation for the Fashion-MNIST demo: mmpretrain's TTA, the class
# scores of each test image and of its horizontal flip averaged
# (AverageClsScoreTTA). The model and data are this folder's grid root, so
# every checkpoint of the folder's grid with the same backbone can be tested
# with it, by our tool or by mmpretrain's own:
#   python tools/test.py configs/fashion_mnist/tta/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist_flip-tta.py CKPT --tta
# The TTA pipeline is the test pipeline with its PackInputs replaced by the
# two flips (tests/test_configs/test_tta_configs.py checks they agree).
_base_ = ['../resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py']

tta_model = dict(type='AverageClsScoreTTA')
tta_pipeline = [
    dict(type='TestTimeAug',
         transforms=[[dict(type='RandomFlip', prob=1.),
                      dict(type='RandomFlip', prob=0.)],
                     [dict(type='PackInputs')]]),
]
