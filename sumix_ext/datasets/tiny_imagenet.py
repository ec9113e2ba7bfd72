"""Tiny-ImageNet-200 in its standard release layout."""
import os
import os.path as osp
from typing import List

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .layout import DatasetLayoutError, check_layout

LAYOUT = ('<data_root>/wnids.txt, train/<wnid>/images/*.JPEG, '
          'val/images/*.JPEG + val/val_annotations.txt')
SOURCE = ('http://cs231n.stanford.edu/tiny-imagenet-200.zip (unzip; '
          'data_root is the tiny-imagenet-200 folder)')
IMG_EXTENSIONS = ('.jpeg', '.jpg', '.png')


@DATASETS.register_module()
class TinyImageNet(BaseDataset):
    """Tiny-ImageNet-200 (200 classes, 100k train / 10k val, 64x64 RGB).

    Reads the release as unzipped, without re-organising ``val/``::

        tiny-imagenet-200
        ├── wnids.txt                  # one WordNet id per line (200)
        ├── train/<wnid>/images/<wnid>_<k>.JPEG
        └── val/
            ├── images/val_<k>.JPEG
            └── val_annotations.txt    # "val_<k>.JPEG <wnid> x0 y0 x1 y1"

    Class ``i`` is the ``i``-th wnid in sorted order (the order
    ``torchvision.datasets.ImageFolder`` gives on the re-organised folders,
    so label ids match OpenMixup's). The test split of the release has no
    labels and is not supported.

    Args:
        data_root (str): The ``tiny-imagenet-200`` folder.
            Defaults to ``'data/tiny-imagenet-200'``.
        split (str): ``'train'`` or ``'val'``.
        **kwargs: Passed to mmpretrain's ``BaseDataset`` (``pipeline``,
            ``indices``, ``test_mode``...).
    """

    SPLITS = ('train', 'val')

    def __init__(self, data_root: str = 'data/tiny-imagenet-200',
                 split: str = 'train', **kwargs):
        if split not in self.SPLITS:
            raise ValueError(f"TinyImageNet: split must be 'train' or 'val' "
                             f'(the release test split has no labels), got '
                             f'{split!r}')
        required = ['wnids.txt', 'train'] if split == 'train' else [
            'wnids.txt', osp.join('val', 'images'),
            osp.join('val', 'val_annotations.txt')
        ]
        check_layout('Tiny-ImageNet-200', data_root, required, LAYOUT, SOURCE)
        self.split = split
        root = osp.expanduser(data_root)
        with open(osp.join(root, 'wnids.txt')) as f:
            wnids = sorted({line.strip() for line in f if line.strip()})
        metainfo = dict(classes=tuple(wnids))
        metainfo.update(kwargs.pop('metainfo', None) or {})
        kwargs.setdefault('test_mode', split == 'val')
        super().__init__(
            ann_file='', data_root=root, data_prefix='', metainfo=metainfo,
            **kwargs)

    def _error(self, what: str) -> DatasetLayoutError:
        return DatasetLayoutError(
            f'Tiny-ImageNet-200: {what} (data_root={self.data_root!r}); '
            f'expected layout: {LAYOUT}; get it from {SOURCE}')

    def load_data_list(self) -> List[dict]:
        """List ``(img_path, gt_label)`` for the split."""
        label_of = {wnid: i for i, wnid in enumerate(self.CLASSES)}
        data_list = []
        if self.split == 'train':
            for wnid in self.CLASSES:
                folder = osp.join(self.data_root, 'train', wnid, 'images')
                if not osp.isdir(folder):
                    raise self._error(f'{folder!r} not found for wnid {wnid}')
                for name in sorted(os.listdir(folder)):
                    if name.lower().endswith(IMG_EXTENSIONS):
                        data_list.append(
                            dict(img_path=osp.join(folder, name),
                                 gt_label=label_of[wnid]))
            return data_list
        ann_file = osp.join(self.data_root, 'val', 'val_annotations.txt')
        with open(ann_file) as f:
            for line_no, line in enumerate(f, 1):
                fields = line.split()
                if not fields:
                    continue
                if len(fields) < 2 or fields[1] not in label_of:
                    raise self._error(
                        f'{ann_file}:{line_no}: expected "<file> <wnid> ..." '
                        f'with a wnid from wnids.txt, got {line.strip()!r}')
                data_list.append(
                    dict(img_path=osp.join(self.data_root, 'val', 'images',
                                           fields[0]),
                         gt_label=label_of[fields[1]]))
        return data_list
