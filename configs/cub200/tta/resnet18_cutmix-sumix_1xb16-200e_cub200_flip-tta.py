# Flip test-time augmentation for CUB-200-2011: mmpretrain's TTA, the class
# scores of each test image and of its horizontal flip averaged
# (AverageClsScoreTTA). The model and data are this folder's grid root, so
# every checkpoint of the folder's grid with the same backbone can be tested
# with it, by our tool or by mmpretrain's own:
#   python tools/test.py configs/cub200/tta/resnet18_cutmix-sumix_1xb16-200e_cub200_flip-tta.py CKPT --tta
# The TTA pipeline (configs/_base_/tta/flip_fine-grained_224px.py) is the
# test pipeline with its PackInputs replaced by the two flips.
_base_ = [
    '../resnet18_cutmix-sumix_1xb16-200e_cub200.py',
    '../../_base_/tta/flip_fine-grained_224px.py',
]
