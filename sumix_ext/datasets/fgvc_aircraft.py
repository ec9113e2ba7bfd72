"""FGVC-Aircraft (variant level) with a layout check; mmpretrain's loader."""
import os.path as osp

from mmpretrain.datasets import FGVCAircraft
from mmpretrain.registry import DATASETS

from .layout import check_layout, pop_split_test_mode

LAYOUT = ('<data_root>/data/images/*.jpg + '
          'data/images_variant_{train,val,trainval,test}.txt')
SOURCE = ('https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/ '
          '(fgvc-aircraft-2013b.tar.gz; data_root is the fgvc-aircraft-2013b '
          'folder)')


@DATASETS.register_module()
class LocalFGVCAircraft(FGVCAircraft):
    """FGVC-Aircraft at the variant level (100 classes; 6667 trainval /
    3333 test).

    mmpretrain's ``FGVCAircraft`` preceded by a one-line layout check.

    Args:
        data_root (str): The ``fgvc-aircraft-2013b`` folder.
            Defaults to ``'data/fgvc-aircraft-2013b'``.
        split (str): ``'train'``, ``'val'``, ``'trainval'`` or ``'test'``.
        **kwargs: Passed to mmpretrain's ``FGVCAircraft``.
    """

    SPLITS = ('train', 'val', 'trainval', 'test')

    def __init__(self, data_root: str = 'data/fgvc-aircraft-2013b',
                 split: str = 'trainval', **kwargs):
        if split not in self.SPLITS:
            raise ValueError(f'LocalFGVCAircraft: split must be one of '
                             f'{self.SPLITS}, got {split!r}')
        check_layout('FGVC-Aircraft', data_root, [
            osp.join('data', 'images'),
            osp.join('data', f'images_variant_{split}.txt')
        ], LAYOUT, SOURCE)
        pop_split_test_mode(type(self).__name__, split, kwargs)
        super().__init__(data_root=data_root, split=split, **kwargs)
