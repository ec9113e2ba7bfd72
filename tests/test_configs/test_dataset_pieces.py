"""The dataset pieces build their datasets from data in the real layout,
and a run without data stops with one line naming layout and source."""
import os.path as osp

import pytest
from mmengine.registry import init_default_scope
from mmpretrain.datasets.categories import FGVCAIRCRAFT_CATEGORIES
from mmpretrain.registry import DATASETS

import sumix_ext  # noqa: F401
from ..test_datasets import fixtures
from .common import CONFIG_ROOT, load

PIECES = {
    'cifar100_bs100': (lambda r: fixtures.make_cifar100(r, 20, 10), 20, 10),
    'cifar100_224px_randaug_bs100':
    (lambda r: fixtures.make_cifar100(r, 20, 10), 20, 10),
    'tiny_imagenet_bs100':
    (lambda r: fixtures.make_tiny_imagenet(r, 200, 1, 4), 200, 4),
    'imagenet_bs64': (lambda r: fixtures.make_imagenet(r, 6, 3), 6, 3),
    'cub200_bs16': (lambda r: fixtures.make_cub(r, 6), 3, 3),
    'aircraft_bs16': (lambda r: fixtures.make_fgvc_aircraft(
        r, FGVCAIRCRAFT_CATEGORIES, 4, 2), 4, 2),
    'stanford_cars_bs16': (lambda r: fixtures.make_stanford_cars(
        r, 'annos', 4, 3), 4, 3),
}


@pytest.mark.parametrize('piece', sorted(PIECES))
def test_piece_builds_train_and_test_sets(tmp_path, piece):
    init_default_scope('mmpretrain')
    make, n_train, n_test = PIECES[piece]
    root = str(tmp_path / 'data')
    make(root)
    cfg = load(osp.join(CONFIG_ROOT, '_base_', 'datasets', piece + '.py'))
    assert cfg.test_dataloader == cfg.val_dataloader
    sizes = []
    for split in ('train', 'val'):
        ds_cfg = cfg[f'{split}_dataloader'].dataset
        ds_cfg.data_root = root
        dataset = DATASETS.build(ds_cfg)
        assert len(dataset.CLASSES) == cfg.data_preprocessor.num_classes
        assert dataset.test_mode == (split != 'train')
        sizes.append(len(dataset))
    assert sizes == [n_train, n_test]
    sample = dataset[0]  # the test pipeline runs on the real files
    assert sample['inputs'].shape[0] == 3


def _train_main():
    from sumix_ext.commands.train import main
    return main


def test_train_without_data_is_one_line(tmp_path, capsys, monkeypatch):
    """``tools/train.py <cifar config>`` without the data: exit 2 and one
    ``error:`` line naming the path, the layout and the download URL."""
    monkeypatch.delenv('SUMIX_DEBUG', raising=False)
    config = osp.join(CONFIG_ROOT, 'cifar100',
                      'resnet18_cutmix_1xb100-800e_cifar100.py')
    missing = str(tmp_path / 'no_cifar')
    with pytest.raises(SystemExit) as exit_info:
        _train_main()([
            config, '--work-dir',
            str(tmp_path / 'work'), '--cfg-options',
            f'train_dataloader.dataset.data_root={missing}',
            f'val_dataloader.dataset.data_root={missing}',
            'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0'
        ])
    assert exit_info.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines()
              if line.startswith('error:')]
    assert len(errors) == 1
    assert missing in errors[0] and 'cifar-100-python' in errors[0]
    assert 'cifar-100-python.tar.gz' in errors[0]
