"""CIFAR-100 from its python pickles; never downloads."""
import os.path as osp

from mmpretrain.datasets import CIFAR100
from mmpretrain.datasets.utils import check_md5
from mmpretrain.registry import DATASETS

from .layout import DatasetLayoutError, check_layout

LAYOUT = '<data_root>/cifar-100-python/{train,test,meta} (python pickles)'
SOURCE = ('https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz '
          '(extract it into data_root)')


@DATASETS.register_module()
class LocalCIFAR100(CIFAR100):
    """CIFAR-100 (100 classes, 50k train / 10k test, 32x32 RGB).

    mmpretrain's ``CIFAR100`` with ``download=False`` and a one-line error
    naming the expected layout when the pickles are missing. The MD5 check of
    the release files is optional (``verify_md5``) so that re-packed or
    generated files in the same layout load too.

    Args:
        data_root (str): Folder holding ``cifar-100-python/``.
            Defaults to ``'data/cifar100'``.
        split (str): ``'train'`` or ``'test'``.
        verify_md5 (bool): Check the files against the official MD5 sums.
            Defaults to False.
        **kwargs: Passed to mmpretrain's ``CIFAR100`` (``pipeline``,
            ``indices``, ``test_mode``...). ``download`` is forced to False.
    """

    def __init__(self, data_root: str = 'data/cifar100', split: str = 'train',
                 verify_md5: bool = False, **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(f"LocalCIFAR100: split must be 'train' or "
                             f"'test', got {split!r}")
        check_layout('CIFAR-100', data_root,
                     [osp.join(self.base_folder, split)], LAYOUT, SOURCE)
        self.verify_md5 = verify_md5
        kwargs['download'] = False
        super().__init__(data_root=data_root, split=split, **kwargs)

    def _check_integrity(self) -> bool:
        """The split's pickle exists (and matches its MD5 if asked)."""
        root = self.data_prefix['root']
        files = self.train_list if self.split == 'train' else self.test_list
        for name, md5 in files:
            path = osp.join(root, self.base_folder, name)
            if not osp.isfile(path):
                return False
            if self.verify_md5 and not check_md5(path, md5):
                return False
        return True

    def load_data_list(self) -> list:
        """Read the split's pickle (after the integrity check)."""
        if not self._check_integrity():
            raise DatasetLayoutError(
                f'CIFAR-100: {self.split!r} pickle in '
                f"{self.data_prefix['root']!r} is missing or fails its MD5 "
                f'check; expected layout: {LAYOUT}; get it from {SOURCE} '
                '(or set verify_md5=False for re-packed files)')
        return super().load_data_list()
