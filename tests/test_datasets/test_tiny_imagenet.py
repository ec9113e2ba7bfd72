"""TinyImageNet: the standard release layout, val read from annotations."""
import os.path as osp

import pytest

from sumix_ext.datasets import DatasetLayoutError, TinyImageNet
from .fixtures import make_tiny_imagenet


def test_train_and_val_labels_follow_sorted_wnids(tmp_path):
    root = str(tmp_path / 'tiny-imagenet-200')
    label_of = make_tiny_imagenet(root, n_classes=3, per_class=2, n_val=4)
    train = TinyImageNet(data_root=root, split='train')
    val = TinyImageNet(data_root=root, split='val')
    assert train.CLASSES == tuple(sorted(label_of))
    assert len(train) == 6 and len(val) == 4
    assert not train.test_mode and val.test_mode
    for info in (train.get_data_info(i) for i in range(len(train))):
        wnid = osp.basename(info['img_path']).split('_')[0]
        assert info['gt_label'] == label_of[wnid]
    # val_k belongs to wnids.txt line k % 3
    wnids = open(osp.join(root, 'wnids.txt')).read().split()
    for k in range(4):
        info = val.get_data_info(k)
        assert osp.basename(info['img_path']) == f'val_{k}.JPEG'
        assert info['gt_label'] == label_of[wnids[k % 3]]


def test_images_load_through_a_pipeline(tmp_path):
    root = str(tmp_path / 't')
    make_tiny_imagenet(root)
    ds = TinyImageNet(data_root=root, split='val',
                      pipeline=[dict(type='LoadImageFromFile'),
                                dict(type='PackInputs')])
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (3, 64, 64)
    assert sample['data_samples'].gt_label.item() == ds.get_data_info(0)[
        'gt_label']


def test_missing_val_annotations_is_one_line(tmp_path):
    root = str(tmp_path / 't')
    make_tiny_imagenet(root)
    import os
    os.remove(osp.join(root, 'val', 'val_annotations.txt'))
    TinyImageNet(data_root=root, split='train')  # train is still fine
    with pytest.raises(DatasetLayoutError) as err:
        TinyImageNet(data_root=root, split='val')
    msg = str(err.value)
    assert '\n' not in msg and 'val_annotations.txt' in msg
    assert 'tiny-imagenet-200.zip' in msg


def test_unknown_wnid_in_annotations(tmp_path):
    root = str(tmp_path / 't')
    make_tiny_imagenet(root)
    with open(osp.join(root, 'val', 'val_annotations.txt'), 'a') as f:
        f.write('val_99.JPEG\tn00000000\t0\t0\t1\t1\n')
    with pytest.raises(DatasetLayoutError, match='val_annotations.txt:5'):
        TinyImageNet(data_root=root, split='val')


def test_test_split_is_refused():
    with pytest.raises(ValueError, match='test split has no labels'):
        TinyImageNet(data_root='x', split='test')
