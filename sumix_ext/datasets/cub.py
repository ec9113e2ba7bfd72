"""CUB-200-2011 with a layout check; mmpretrain's loader."""
from mmpretrain.datasets import CUB
from mmpretrain.registry import DATASETS

from .layout import check_layout

LAYOUT = ('<data_root>/images/<class>/*.jpg + images.txt, '
          'image_class_labels.txt, train_test_split.txt')
SOURCE = ('https://www.vision.caltech.edu/datasets/cub_200_2011/ '
          '(CUB_200_2011.tgz; data_root is the CUB_200_2011 folder)')


@DATASETS.register_module()
class LocalCUB(CUB):
    """CUB-200-2011 (200 bird species; 5994 train / 5794 test).

    mmpretrain's ``CUB`` preceded by a one-line layout check.

    Args:
        data_root (str): The ``CUB_200_2011`` folder.
            Defaults to ``'data/CUB_200_2011'``.
        split (str): ``'train'`` or ``'test'``.
        **kwargs: Passed to mmpretrain's ``CUB``.
    """

    def __init__(self, data_root: str = 'data/CUB_200_2011',
                 split: str = 'train', **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(f"LocalCUB: split must be 'train' or 'test', "
                             f'got {split!r}')
        check_layout('CUB-200-2011', data_root, [
            'images', 'images.txt', 'image_class_labels.txt',
            'train_test_split.txt'
        ], LAYOUT, SOURCE)
        super().__init__(data_root=data_root, split=split, **kwargs)
