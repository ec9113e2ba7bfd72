"""Stanford Cars with a layout check; mmpretrain's loader."""
import os.path as osp

from mmpretrain.datasets import StanfordCars
from mmpretrain.registry import DATASETS

from .layout import check_layout, pop_split_test_mode

LAYOUT = ('either <data_root>/cars_annos.mat + car_ims/*.jpg, or '
          '<data_root>/cars_{train,test}/*.jpg + devkit/cars_train_annos.mat '
          '+ devkit/cars_test_annos_withlabels.mat')
SOURCE = ('https://ai.stanford.edu/~jkrause/cars/car_dataset.html (or a '
          'mirror of the same files)')


@DATASETS.register_module()
class LocalStanfordCars(StanfordCars):
    """Stanford Cars (196 classes; 8144 train / 8041 test).

    mmpretrain's ``StanfordCars`` preceded by a one-line layout check for
    either of the two official layouts.

    Args:
        data_root (str): Dataset root. Defaults to ``'data/stanford_cars'``.
        split (str): ``'train'`` or ``'test'``.
        **kwargs: Passed to mmpretrain's ``StanfordCars``.
    """

    def __init__(self, data_root: str = 'data/stanford_cars',
                 split: str = 'train', **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(f"LocalStanfordCars: split must be 'train' or "
                             f"'test', got {split!r}")
        root = osp.expanduser(str(data_root))
        if osp.isfile(osp.join(root, 'cars_annos.mat')):
            required = ['cars_annos.mat', 'car_ims']
        else:
            ann = ('cars_test_annos_withlabels.mat'
                   if split == 'test' else 'cars_train_annos.mat')
            required = [f'cars_{split}', osp.join('devkit', ann)]
        check_layout('Stanford Cars', root, required, LAYOUT, SOURCE)
        pop_split_test_mode(type(self).__name__, split, kwargs)
        super().__init__(data_root=root, split=split, **kwargs)
