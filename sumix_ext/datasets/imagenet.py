"""ImageNet-1K (ILSVRC-2012) with a layout check; mmpretrain's loader."""
import os.path as osp

from mmpretrain.datasets import ImageNet
from mmpretrain.registry import DATASETS

from .layout import check_layout

LAYOUT = ('<data_root>/{train,val}/ image folders + meta/{train,val}.txt '
          '("<relative path> <label>" per line)')
SOURCE = ('https://image-net.org/download.php (ILSVRC2012 train/val; the '
          'meta/*.txt files as in mmpretrain\'s dataset docs)')


@DATASETS.register_module()
class LocalImageNet(ImageNet):
    """ImageNet-1K (1000 classes; 1.28M train / 50k val) from local folders.

    mmpretrain's ``ImageNet`` preceded by a one-line check that
    ``<data_root>/<split>/`` and ``<data_root>/meta/<split>.txt`` exist (the
    annotation-file layout mmpretrain documents; labels 0..999 in the
    order of mmpretrain's ``IMAGENET_CATEGORIES``).

    Args:
        data_root (str): Dataset root. Defaults to ``'data/imagenet'``.
        split (str): ``'train'`` or ``'val'``.
        **kwargs: Passed to mmpretrain's ``ImageNet``.
    """

    def __init__(self, data_root: str = 'data/imagenet', split: str = 'train',
                 **kwargs):
        if split not in ('train', 'val'):
            raise ValueError(f"LocalImageNet: split must be 'train' or 'val', "
                             f'got {split!r}')
        required = [split]
        if not kwargs.get('ann_file'):
            required.append(osp.join('meta', f'{split}.txt'))
        check_layout('ImageNet-1K', data_root, required, LAYOUT, SOURCE)
        super().__init__(data_root=data_root, split=split, **kwargs)
