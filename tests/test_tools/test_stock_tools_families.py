"""Issue 20 item 1, every dataset family: one config of each family trains
one iteration (and validates) under mmpretrain's own ``tools/train.py``,
on a tiny copy of its dataset in the real on-disk layout.

The runs share one Python process (the stock tool is run with ``runpy``, as
``python tools/train.py`` would run it), so the imports are paid once.
Fashion-MNIST is covered by ``test_stock_tools.py``.
"""
import os
import os.path as osp

import numpy as np
import pytest
from mmpretrain.datasets.categories import FGVCAIRCRAFT_CATEGORIES
from PIL import Image

from tests.conftest import REPO, tiny_run_options, train_in_one_process
from tests.test_datasets.fixtures import (make_cifar100, make_cub,
                                          make_fgvc_aircraft, make_imagenet,
                                          make_stanford_cars,
                                          make_tiny_imagenet)
from .test_stock_tools import STOCK_TRAIN

# family -> (config, dataset writer)
FAMILIES = {
    'cifar100': ('cifar100/resnet18_cutmix-sumix_1xb100-800e_cifar100.py',
                 make_cifar100),
    'tiny_imagenet': ('tiny_imagenet/resnet18_cutmix-sumix_1xb100-400e_'
                      'tiny-imagenet.py',
                      lambda root: make_tiny_imagenet(root, 200, 1, 4)),
    'imagenet': ('imagenet/resnet18_cutmix-sumix_4xb64-100e_in1k.py',
                 make_imagenet),
    'cub200': ('cub200/resnet18_cutmix-sumix_1xb16-200e_cub200.py',
               make_cub),
    'aircraft': ('aircraft/resnet18_cutmix-sumix_1xb16-200e_aircraft.py',
                 lambda root: make_fgvc_aircraft(
                     root, FGVCAIRCRAFT_CATEGORIES, 4, 2)),
    'stanford_cars': ('stanford_cars/resnet18_cutmix-sumix_1xb16-200e_'
                      'stanford-cars.py', make_stanford_cars),
    'custom': ('custom/resnet18_cutmix-sumix_1xb32-30e_custom-folder.py',
               None),
}


def _custom_folder(root: str) -> str:
    for split in ('train', 'val'):
        for c, name in enumerate(('cat', 'dog')):
            for k in range(2):
                path = osp.join(root, split, name, f'{k}.jpg')
                os.makedirs(osp.dirname(path), exist_ok=True)
                Image.fromarray(np.full((40, 48, 3), 60 * c + k,
                                        np.uint8)).save(path)
    return root


@pytest.mark.skipif(not osp.isfile(STOCK_TRAIN),
                    reason="mmpretrain's .mim tools are not installed")
def test_stock_train_tool_trains_one_config_per_family(tmp_path):
    runs = []
    for family, (config, write) in FAMILIES.items():
        root = str(tmp_path / 'data' / family)
        if write is None:
            _custom_folder(root)
        else:
            write(root)
        opts = tiny_run_options(root, subset=write is not None,
                                stock=True)
        opts.append('model.backbone.init_cfg=None')  # no pretrained weights
        runs.append([STOCK_TRAIN, osp.join(REPO, 'configs', config),
                     '--work-dir', str(tmp_path / 'w' / family),
                     '--cfg-options', *opts])
    out = train_in_one_process(runs)
    for family in FAMILIES:
        assert osp.isfile(tmp_path / 'w' / family / 'epoch_1.pth'), family
    assert out.count('Epoch(val) [1]') >= len(FAMILIES)
