"""Your own dataset (docs/custom_dataset.md): the example folder configs
train one epoch on RGB and grey image folders, the ann-file form works, and
the two traps of a new config are warned about."""
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config

from sumix_ext.engine.hooks.sanity_check_hook import (schedule_warnings,
                                                      subset_warnings)
from tests.test_apis.test_bad_inputs import (  # noqa: F401  (fixtures)
    TRAIN, _fast_config_text)
from tests.conftest import REPO

RGB = osp.join(REPO, 'configs/custom/resnet18_cutmix-sumix_1xb32-30e_custom-folder.py')
GREY = osp.join(REPO,
                'configs/custom/resnet18_cutmix-sumix_1xb32-30e_custom-folder-grey.py')


def _folders(root, grey=False, per_class=10):
    import cv2
    rng = np.random.default_rng(0)
    for split in ('train', 'val'):
        for c, name in enumerate(('cat', 'dog')):
            os.makedirs(osp.join(root, split, name), exist_ok=True)
            for i in range(per_class):
                shape = (40, 48) if grey else (40, 48, 3)
                img = rng.integers(0, 60, shape, dtype=np.uint8)
                img[c * 20:c * 20 + 20] = 230  # learnable: top or bottom
                cv2.imwrite(osp.join(root, split, name, f'{i}.png'), img)
    return root


def _opts(root, work):
    return ['--work-dir', work, '--cfg-options',
            f'train_dataloader.dataset.data_root={root}',
            f'val_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}',
            'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
            'val_dataloader.num_workers=0', 'test_dataloader.num_workers=0',
            'model.backbone.stem_channels=4', 'model.backbone.base_channels=4',
            'model.head.in_channels=32', 'train_cfg.max_epochs=1',
            'param_scheduler.0.T_max=1']


@pytest.mark.parametrize('config,grey', [(RGB, False), (GREY, True)])
def test_example_folder_configs_train_one_epoch(tmp_path, config, grey):
    root = _folders(str(tmp_path / 'data'), grey)
    work = str(tmp_path / 'w')
    TRAIN.main([config] + _opts(root, work))
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))


def test_ann_file_form(tmp_path):
    root = _folders(str(tmp_path / 'data'))
    with open(osp.join(root, 'train.txt'), 'w') as f:
        for i in range(10):
            f.write(f'train/cat/{i}.png 0\ntrain/dog/{i}.png 1\n')
    work = str(tmp_path / 'w')
    TRAIN.main([RGB] + _opts(root, work) + [
        'train_dataloader.dataset.ann_file=train.txt',
        'train_dataloader.dataset.data_prefix=',
        "train_dataloader.dataset.metainfo.classes=['cat','dog']"])
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))


def test_short_cosine_is_warned():
    cfg = Config(dict(train_cfg=dict(by_epoch=True, max_epochs=30),
                      param_scheduler=[dict(type='CosineAnnealingLR',
                                            T_max=4, by_epoch=True)]))
    (msg, ) = schedule_warnings(cfg)
    assert 'T_max=4' in msg and 'max_epochs=30' in msg and 'T_max=30' in msg
    cfg.param_scheduler[0]['T_max'] = 30
    assert schedule_warnings(cfg) == []


def test_one_class_subset_is_warned():
    class Sorted:
        metainfo = dict(classes=[f'c{i}' for i in range(10)])

        def get_gt_labels(self):
            return np.zeros(100, dtype=np.int64)  # first 100 of class 0

    (msg, ) = subset_warnings(Sorted())
    assert 'only 1 of its 10 classes' in msg

    class Mixed(Sorted):
        def get_gt_labels(self):
            return np.arange(100) % 10

    assert subset_warnings(Mixed()) == []
