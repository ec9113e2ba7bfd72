"""Issue 20 item 1, every dataset family: one config of each family trains
one iteration (and validates) under mmpretrain's own ``tools/train.py``,
on a tiny copy of its dataset in the real on-disk layout.

The runs share one Python process (the stock tool is run with ``runpy``, as
``python tools/train.py`` would run it), so the imports are paid once.
Fashion-MNIST is covered by ``test_stock_tools.py``.
"""
import json
import os
import os.path as osp

import numpy as np
import pytest
from mmpretrain.datasets.categories import FGVCAIRCRAFT_CATEGORIES
from PIL import Image

from tests.conftest import REPO, run_tool
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

_DRIVER = '''
import json, runpy, sys
for argv in json.loads(sys.argv[1]):
    sys.argv = argv
    runpy.run_path(argv[0], run_name='__main__')
    print('STOCK_RUN_DONE', argv[1], flush=True)
'''


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
        opts = []
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            opts += [f'{key}.dataset.data_root={root}', f'{key}.batch_size=2']
        opts += ['train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
                 'train_cfg.val_interval=1', 'model.backbone.init_cfg=None',
                 'model.backbone.stem_channels=8',
                 'model.backbone.base_channels=8', 'model.head.in_channels=64',
                 'default_hooks.logger.interval=1']
        if write is not None:  # a subset: the tiny copies leave classes out
            opts.append('train_dataloader.dataset.indices=2')
        runs.append([STOCK_TRAIN, osp.join(REPO, 'configs', config),
                     '--work-dir', str(tmp_path / 'w' / family),
                     '--cfg-options', *opts])
    proc = run_tool(['-c', _DRIVER, json.dumps(runs)], timeout=600)
    out = proc.stdout + proc.stderr
    for family, (config, _) in FAMILIES.items():
        assert f'STOCK_RUN_DONE {osp.join(REPO, "configs", config)}' in out, \
            family
        assert osp.isfile(tmp_path / 'w' / family / 'epoch_1.pth'), family
    assert out.count('Epoch(val) [1]') >= len(FAMILIES)
