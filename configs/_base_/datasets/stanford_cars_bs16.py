# Stanford Cars (196 classes): the CUB protocol (batch 16, 224 px). The
# SUMix authors name this benchmark but ship no configs; we use CUB's.
# Data: data/stanford_cars in either official layout (configs/README.md).
_base_ = ['./cub200_bs16.py']

dataset_type = 'LocalStanfordCars'
data_root = 'data/stanford_cars'
data_preprocessor = dict(num_classes=196)
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, split='train'))
val_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, split='test'))
test_dataloader = val_dataloader
