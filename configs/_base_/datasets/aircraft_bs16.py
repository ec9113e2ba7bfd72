# FGVC-Aircraft, variant level (100 classes): the CUB protocol (batch 16,
# 224 px), trained on trainval and tested on test.
# Data: data/fgvc-aircraft-2013b as extracted (see configs/README.md).
_base_ = ['./cub200_bs16.py']

dataset_type = 'LocalFGVCAircraft'
data_root = 'data/fgvc-aircraft-2013b'
data_preprocessor = dict(num_classes=100)
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, split='trainval'))
val_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, split='test'))
test_dataloader = val_dataloader
