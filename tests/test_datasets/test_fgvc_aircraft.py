"""LocalFGVCAircraft: variant level (100 classes), mmpretrain's loader."""
import pytest
from mmpretrain.datasets.categories import FGVCAIRCRAFT_CATEGORIES

from sumix_ext.datasets import DatasetLayoutError, LocalFGVCAircraft
from .fixtures import make_fgvc_aircraft


def test_variant_labels_and_splits(tmp_path):
    root = make_fgvc_aircraft(str(tmp_path / 'fgvc-aircraft-2013b'),
                              FGVCAIRCRAFT_CATEGORIES, 4, 2)
    trainval = LocalFGVCAircraft(data_root=root, split='trainval')
    test = LocalFGVCAircraft(data_root=root, split='test')
    assert len(trainval.CLASSES) == 100
    assert len(trainval) == 4 and len(test) == 2
    assert not trainval.test_mode and test.test_mode
    assert [trainval.get_data_info(i)['gt_label']
            for i in range(4)] == [0, 11, 22, 33]


def test_missing_split_file(tmp_path):
    root = make_fgvc_aircraft(str(tmp_path / 'f'), FGVCAIRCRAFT_CATEGORIES)
    with pytest.raises(DatasetLayoutError) as err:
        LocalFGVCAircraft(data_root=root, split='val')
    assert '\n' not in str(err.value)
    assert 'images_variant_val.txt' in str(err.value)
