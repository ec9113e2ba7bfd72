"""LocalImageNet: mmpretrain's ImageNet with the annotation-file layout."""
import os.path as osp

import pytest

from sumix_ext.datasets import DatasetLayoutError, LocalImageNet
from .fixtures import make_imagenet


def test_loads_train_and_val(tmp_path):
    root = make_imagenet(str(tmp_path / 'imagenet'), n_train=6, n_val=3)
    train = LocalImageNet(data_root=root, split='train')
    val = LocalImageNet(data_root=root, split='val')
    assert len(train.CLASSES) == 1000
    assert len(train) == 6 and len(val) == 3
    info = train.get_data_info(2)
    assert info['gt_label'] == 666
    assert info['img_path'] == osp.join(root, 'train', 'n00000666',
                                        'img_2.JPEG')
    assert osp.isfile(val.get_data_info(1)['img_path'])


def test_missing_ann_file_is_one_line(tmp_path):
    root = make_imagenet(str(tmp_path / 'imagenet'))
    import os
    os.remove(osp.join(root, 'meta', 'val.txt'))
    with pytest.raises(DatasetLayoutError) as err:
        LocalImageNet(data_root=root, split='val')
    msg = str(err.value)
    assert '\n' not in msg and osp.join('meta', 'val.txt') in msg
    assert 'image-net.org' in msg
