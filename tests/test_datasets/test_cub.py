"""LocalCUB: mmpretrain's CUB behind a one-line layout check."""
import pytest

from sumix_ext.datasets import DatasetLayoutError, LocalCUB
from .fixtures import make_cub


def test_split_by_train_test_split_file(tmp_path):
    root = make_cub(str(tmp_path / 'CUB_200_2011'), n=6)
    train = LocalCUB(data_root=root, split='train')
    test = LocalCUB(data_root=root, split='test')
    assert len(train.CLASSES) == 200
    assert len(train) == 3 and len(test) == 3  # odd ids train
    assert train.get_data_info(0)['gt_label'] == 37  # id 1 -> class 38
    assert test.get_data_info(0)['gt_label'] == 74  # id 2 -> class 75


def test_missing_split_file(tmp_path):
    root = make_cub(str(tmp_path / 'CUB_200_2011'))
    (tmp_path / 'CUB_200_2011' / 'train_test_split.txt').unlink()
    with pytest.raises(DatasetLayoutError) as err:
        LocalCUB(data_root=root)
    assert '\n' not in str(err.value)
    assert 'train_test_split.txt' in str(err.value)
    assert 'cub_200_2011' in str(err.value)
