import gzip
import os

import pytest

from sumix_ext.datasets import LocalFashionMNIST, read_idx
from tests.conftest import make_fashion_mnist


def test_splits_come_from_their_own_files(tmp_path):
    root = make_fashion_mnist(str(tmp_path), n_train=40, n_test=12)
    train = LocalFashionMNIST(data_root=root, split='train')
    test = LocalFashionMNIST(data_root=root, split='test')
    assert len(train) == 40 and len(test) == 12
    assert len(train.CLASSES) == 10
    item = test.get_data_info(0)
    assert item['img'].shape == (28, 28)
    # split='test' alone (no test_mode) must not fall back to the train set
    assert len(LocalFashionMNIST(data_root=root, split='test',
                                 test_mode=False)) == 12


def test_subset_with_indices(tmp_path):
    root = make_fashion_mnist(str(tmp_path), n_train=40)
    assert len(LocalFashionMNIST(data_root=root, indices=10)) == 10


def test_missing_files_say_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match='apt-get install dataset-fashion-mnist'):
        LocalFashionMNIST(data_root=str(tmp_path / 'nowhere'))


def test_truncated_file_is_reported(tmp_path):
    root = make_fashion_mnist(str(tmp_path), n_train=8)
    path = os.path.join(root, 'train-images-idx3-ubyte.gz')
    with gzip.open(path, 'rb') as f:
        data = f.read()
    with gzip.open(path, 'wb') as f:
        f.write(data[:-100])
    with pytest.raises(ValueError, match='truncated'):
        read_idx(path[:-3])


def test_reads_uncompressed_files_too(tmp_path):
    root = make_fashion_mnist(str(tmp_path), n_train=8, n_test=4)
    for name in os.listdir(root):
        with gzip.open(os.path.join(root, name)) as f:
            data = f.read()
        with open(os.path.join(root, name[:-3]), 'wb') as f:
            f.write(data)
        os.remove(os.path.join(root, name))
    assert len(LocalFashionMNIST(data_root=root, split='test')) == 4
