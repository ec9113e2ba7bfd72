"""benchmark_pipeline.py times a config's train pipeline on synthetic data
in the dataset's real layout."""
import json

import pytest

from sumix_ext.commands import benchmark_pipeline
from sumix_ext.datasets.synthetic import write_imagenet

TOOL = benchmark_pipeline
CIFAR = 'configs/cifar100/resnet18_cutmix-sumix_1xb100-800e_cifar100.py'


def test_cifar_pipeline_on_synthetic_data(tmp_path, capsys):
    out = tmp_path / 'p.json'
    rows = TOOL.main([CIFAR, '--synthetic', '400', '--workers', '0',
                      '--batches', '2', '--warmup', '1', '--out', str(out)])
    assert rows[0]['batch_size'] == 100 and rows[0]['images_per_s'] > 0
    assert json.loads(out.read_text())['rows'][0]['num_workers'] == 0
    assert '| 0 |' in capsys.readouterr().out


def test_too_little_data_and_unknown_layout_are_one_line(capsys):
    with pytest.raises(SystemExit):
        TOOL.main([CIFAR, '--synthetic', '150', '--workers', '0',
                   '--batches', '5'])
    assert 'need 7' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        TOOL.main(['configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-'
                   '4e_fmnist.py', '--synthetic', '10'])
    assert 'knows CIFAR-100 and ImageNet' in capsys.readouterr().err


def test_textured_imagenet_images(tmp_path):
    from PIL import Image
    root = write_imagenet(str(tmp_path), 2, 1, size=(30, 40), noise=True)
    with Image.open(f'{root}/val/ILSVRC2012_val_00000000.JPEG') as img:
        assert img.size == (40, 30)
