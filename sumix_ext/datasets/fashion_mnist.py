"""Fashion-MNIST read straight from the idx ``.gz`` files (no download)."""
import gzip
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmpretrain.datasets import FashionMNIST
from mmpretrain.registry import DATASETS

DEBIAN_ROOT = '/usr/share/datasets/fashion-mnist'
FILES = {
    'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
}
GET_HINT = ('install them with `apt-get install dataset-fashion-mnist` '
            f'(Debian; files land in {DEBIAN_ROOT}) or `make data`, or set '
            'data_root to a folder holding the four Fashion-MNIST idx files')


def _open(path: str):
    """Open ``path`` or ``path.gz`` (whichever exists)."""
    if osp.isfile(path):
        return open(path, 'rb')
    return gzip.open(path + '.gz', 'rb')


def read_idx(path: str) -> np.ndarray:
    """Read an idx (SN3) ubyte file, plain or ``.gz``, into a numpy array.

    Args:
        path (str): File path without the ``.gz`` suffix.

    Returns:
        np.ndarray: ``uint8`` array of the stored shape.
    """
    with _open(path) as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], 'big')
    if magic >> 8 != 0x08:  # 0x08: unsigned byte
        raise ValueError(f'{path}: not an unsigned-byte idx file '
                         f'(magic {magic:#x}); the file may be corrupt')
    ndim = magic & 0xFF
    shape = tuple(
        int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    offset = 4 + 4 * ndim
    expected = int(np.prod(shape))
    if len(data) - offset != expected:
        raise ValueError(f'{path}: expected {expected} values for shape '
                         f'{shape}, found {len(data) - offset}; the file is '
                         'truncated - ' + GET_HINT)
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


@DATASETS.register_module()
class LocalFashionMNIST(FashionMNIST):
    """Fashion-MNIST (10 classes, 60k train / 10k test, 28x28 grey) from
    local idx files, as shipped by Debian's ``dataset-fashion-mnist``.

    Unlike mmpretrain 1.2.0's ``FashionMNIST`` (which picks the files by
    ``test_mode`` - so ``split='test'`` alone silently loads the 60k train
    set), the files are chosen by ``split``. Never downloads.

    Args:
        data_root (str): Folder with ``{train,t10k}-{images-idx3,
            labels-idx1}-ubyte[.gz]``. Defaults to Debian's location.
        split (str): ``'train'`` or ``'test'``.
        index_range (tuple[int, int], optional): Keep the images
            ``start <= i < stop`` of the split, e.g. ``(55000, 60000)`` for a
            validation set held out of the training images (train on
            ``indices=N`` with ``N <= start``). With it, an int
            ``indices=M`` keeps the first ``M`` images of the range.
        **kwargs: Passed to mmpretrain's ``FashionMNIST``/``BaseDataset``
            (``pipeline``, ``indices`` for a subset, ``test_mode``...).
    """

    def __init__(self, data_root: str = DEBIAN_ROOT, split: str = 'train',
                 index_range: Optional[Sequence[int]] = None, **kwargs):
        kwargs.setdefault('download', False)
        if split not in FILES:
            raise ValueError(f"LocalFashionMNIST: split must be 'train' or "
                             f"'test', got {split!r}")
        if index_range is not None:
            first = kwargs.get('indices')
            if first is not None and (isinstance(first, bool)
                                      or not isinstance(first, int)):
                raise ValueError('LocalFashionMNIST: with index_range, '
                                 'indices may only be an int (the first N '
                                 'of the range)')
            if (len(index_range) != 2 or not all(
                    isinstance(v, int) for v in index_range)
                    or not 0 <= index_range[0] < index_range[1]):
                raise ValueError(
                    'LocalFashionMNIST: index_range must be (start, stop) '
                    f'with 0 <= start < stop, got {index_range!r}; e.g. '
                    '(55000, 60000)')
            start, stop = index_range
            if first is not None:
                stop = min(stop, start + first)
            kwargs['indices'] = list(range(start, stop))
        self.index_range = index_range
        super().__init__(data_root=data_root, split=split, **kwargs)

    def _paths(self) -> List[str]:
        root = self.data_prefix['root']
        return [osp.join(root, name) for name in FILES[self.split]]

    def _check_exists(self) -> bool:
        return all(
            osp.isfile(p) or osp.isfile(p + '.gz') for p in self._paths())

    def load_data_list(self) -> List[dict]:
        """Read the split's images and labels."""
        if not self._check_exists():
            missing = [
                osp.basename(p) + '[.gz]' for p in self._paths()
                if not (osp.isfile(p) or osp.isfile(p + '.gz'))
            ]
            raise FileNotFoundError(
                f'Fashion-MNIST {self.split} files not found in '
                f"{self.data_prefix['root']!r} (missing: "
                f"{', '.join(missing)}); {GET_HINT}")
        img_path, label_path = self._paths()
        imgs = read_idx(img_path)
        labels = read_idx(label_path).astype(np.int64)
        if len(imgs) != len(labels):
            raise ValueError(f'Fashion-MNIST {self.split}: {len(imgs)} images '
                             f'but {len(labels)} labels; {GET_HINT}')
        return [{
            'img': img,
            'gt_label': np.array(label, dtype=np.int64)
        } for img, label in zip(imgs, labels)]
