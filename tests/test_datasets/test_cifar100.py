"""LocalCIFAR100: mmpretrain's CIFAR100 from local pickles, never downloads."""
import numpy as np
import pytest

from sumix_ext.datasets import DatasetLayoutError, LocalCIFAR100
from .fixtures import make_cifar100


def test_loads_split_classes_and_samples(tmp_path):
    root = make_cifar100(str(tmp_path / 'cifar100'), n_train=20, n_test=10)
    train = LocalCIFAR100(data_root=root, split='train')
    test = LocalCIFAR100(data_root=root, split='test', test_mode=True)
    assert len(train) == 20 and len(test) == 10
    assert len(train.CLASSES) == 100
    info = train.get_data_info(3)
    assert info['img'].shape == (32, 32, 3) and info['img'].dtype == np.uint8
    assert info['gt_label'] == 21  # 3 * 7 % 100
    assert test.get_data_info(9)['gt_label'] == 63


def test_missing_data_is_one_line_and_never_downloads(tmp_path, monkeypatch):
    import mmpretrain.datasets.cifar as cifar

    def no_download(*args, **kwargs):
        raise AssertionError('tried to download')

    monkeypatch.setattr(cifar, 'download_and_extract_archive', no_download)
    root = str(tmp_path / 'empty')
    (tmp_path / 'empty').mkdir()
    with pytest.raises(DatasetLayoutError) as err:
        LocalCIFAR100(data_root=root, split='train', download=True)
    msg = str(err.value)
    assert '\n' not in msg
    assert 'cifar-100-python/train' in msg and root in msg
    assert 'cifar-100-python.tar.gz' in msg


def test_md5_check_is_optional(tmp_path):
    root = make_cifar100(str(tmp_path / 'c'))
    with pytest.raises(DatasetLayoutError, match='MD5'):
        LocalCIFAR100(data_root=root, split='test', verify_md5=True)


def test_bad_split():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        LocalCIFAR100(data_root='x', split='val')
