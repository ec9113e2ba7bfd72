"""LocalStanfordCars: both official layouts, mmpretrain's loader."""
import pytest

from sumix_ext.datasets import DatasetLayoutError, LocalStanfordCars
from .fixtures import make_stanford_cars


@pytest.mark.parametrize('layout', ['annos', 'devkit'])
def test_both_layouts(tmp_path, layout):
    root = make_stanford_cars(str(tmp_path / 'cars'), layout, 4, 3)
    train = LocalStanfordCars(data_root=root, split='train')
    test = LocalStanfordCars(data_root=root, split='test')
    assert len(train.CLASSES) == 196
    assert len(train) == 4 and len(test) == 3
    assert test.test_mode
    if layout == 'annos':  # labels 1 + 50 i (1-based in the file)
        assert train.get_data_info(1)['gt_label'] == 50
        assert test.get_data_info(0)['gt_label'] == 200 % 196
    else:
        assert test.get_data_info(2)['gt_label'] == 120


def test_missing_devkit_file_is_one_line(tmp_path):
    root = make_stanford_cars(str(tmp_path / 'cars'), 'devkit')
    (tmp_path / 'cars' / 'devkit' / 'cars_test_annos_withlabels.mat').unlink()
    LocalStanfordCars(data_root=root, split='train')
    with pytest.raises(DatasetLayoutError) as err:
        LocalStanfordCars(data_root=root, split='test')
    msg = str(err.value)
    assert '\n' not in msg and 'cars_test_annos_withlabels.mat' in msg
    assert 'car_dataset' in msg
