"""Registered datasets (mmpretrain's own are used wherever they exist)."""
from .cifar100 import LocalCIFAR100
from .cub import LocalCUB
from .fashion_mnist import LocalFashionMNIST, read_idx
from .fgvc_aircraft import LocalFGVCAircraft
from .imagenet import LocalImageNet
from .layout import DatasetLayoutError, check_layout
from .stanford_cars import LocalStanfordCars
from .tiny_imagenet import TinyImageNet
from .transforms import PasteOnBackground

__all__ = [
    'DatasetLayoutError', 'LocalCIFAR100', 'LocalCUB', 'LocalFGVCAircraft',
    'LocalFashionMNIST', 'LocalImageNet', 'LocalStanfordCars',
    'PasteOnBackground', 'TinyImageNet',
    'check_layout', 'read_idx'
]
