"""Issue #6, guarantee 7: each bad input gives one ``error: ...`` line with
the cause and the fix (no traceback), through ``tools/train.py``'s
command module (:mod:`sumix_ext.commands.train`), in-process."""
import importlib
import os
import os.path as osp

import numpy as np
import pytest

from tests.conftest import make_fashion_mnist, tiny_fmnist_cfg_options
from tests.test_reliability.utils import DEMO


def _command(name):
    """The command module behind ``tools/<name>.py``."""
    return importlib.import_module(f'sumix_ext.commands.{name}')


TRAIN = _command('train')


@pytest.fixture(autouse=True)
def _fast_config_text(monkeypatch):
    """Speed only: skip yapf formatting of the config text the runner logs
    (about 1.5 s per runner on CI; the text stays valid Python)."""
    import mmengine.config.config as config_module
    monkeypatch.setattr(config_module, 'FormatCode',
                        lambda text, **kwargs: (text, None))
    yield
    # each in-process run makes a logger bound to this test's captured
    # stderr; start the next test with fresh MMEngine singletons
    from mmengine.logging import MessageHub, MMLogger
    from mmengine.visualization import Visualizer
    for cls in (MMLogger, MessageHub, Visualizer):
        for name in list(cls._instance_dict):
            if name not in ('mmengine', ):
                cls._instance_dict.pop(name)


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    return make_fashion_mnist(str(tmp_path_factory.mktemp('fm') / 'fm'),
                              n_train=32, n_test=16)


def _error_line(capsys, argv, tool=None):
    """Run tools/train.py (or ``tool``) main(argv); return its single error
    line."""
    with pytest.raises(SystemExit) as exit_info:
        (tool or TRAIN).main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert 'Traceback' not in err
    lines = [ln for ln in err.splitlines() if ln.startswith('error: ')]
    assert len(lines) == 1, err[-2000:]
    assert '(set SUMIX_DEBUG=1 for the full traceback)' in err
    return lines[0]


def _train(capsys, data, tmp_path, *options, config=DEMO):
    argv = [config] + tiny_fmnist_cfg_options(data, str(tmp_path / 'w'),
                                              epochs=1) + list(options)
    return _error_line(capsys, argv)


def _cfg(tmp_path, body, base=DEMO):
    path = str(tmp_path / 'cfg.py')
    with open(path, 'w') as f:
        f.write(f'_base_ = [{base!r}]\n{body}\n')
    return path


# ----------------------------------------------------------- mixers / model
def test_unknown_mixer_lists_known(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path, 'model.mixer.type=BatchCutMx')
    assert "unknown mixer 'BatchCutMx'" in line
    assert 'BatchCutMix' in line and 'BatchMixup' in line


@pytest.mark.parametrize('alpha, expect', [
    ('0', 'finite number > 0, got 0.0'),
    ('-1.5', 'finite number > 0, got -1.5'),
    ("float('nan')", 'finite number > 0, got nan'),
    ("'big'", "positive number, got 'big' (str)"),
])
def test_bad_alpha(capsys, data, tmp_path, alpha, expect):
    cfg = _cfg(tmp_path, f'model = dict(mixer=dict(alpha={alpha}))')
    line = _train(capsys, data, tmp_path, config=cfg)
    assert expect in line and 'alpha=' in line


@pytest.mark.parametrize('probs, expect', [
    ('[0.7, 0.6]', 'sum to 1.3 > 1'),
    ('[0.5]', 'got 1 probs for 2'),
])
def test_bad_random_mixer_probs(capsys, data, tmp_path, probs, expect):
    cfg = _cfg(tmp_path, (
        "model = dict(mixer=dict(_delete_=True, type='RandomMixer', mixers=["
        "dict(type='BatchCutMix', alpha=1.0), dict(type='BatchMixup', "
        f"alpha=1.0)], probs={probs}))"))
    line = _train(capsys, data, tmp_path, config=cfg)
    assert 'RandomMixer' in line and expect in line


def test_sumix_needs_uncertainty_head(capsys, data, tmp_path):
    cfg = _cfg(tmp_path, (
        "model = dict(head=dict(_delete_=True, type='LinearClsHead', "
        'num_classes=10, in_channels=32))'))
    line = _train(capsys, data, tmp_path, config=cfg)
    assert 'uncertainty branch' in line and "'SUMixHead'" in line
    assert 'model.sumix=None' in line


def test_head_classes_differ_from_dataset(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path, 'model.head.num_classes=100')
    assert 'num_classes=100' in line and 'has 10 classes' in line
    assert 'model.head.num_classes=10' in line


def test_grayscale_data_into_rgb_backbone(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path, 'model.backbone.in_channels=3')
    assert 'grayscale (1 channel)' in line and 'expects 3 input' in line
    assert 'model.backbone.in_channels=1' in line


def test_batch_size_one_with_mixing(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path, 'train_dataloader.batch_size=1')
    assert 'batch_size=1' in line and 'no partner' in line
    assert 'drop_last=True' in line


# ------------------------------------------------------------------ data
def test_missing_data_root(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path,
                  f'train_dataloader.dataset.data_root={tmp_path}/nope')
    assert 'not found' in line and 'nope' in line and 'data_root' in line


def test_missing_split_file(capsys, tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    os.remove(osp.join(root, 't10k-labels-idx1-ubyte.gz'))
    line = _train(capsys, root, tmp_path)
    assert 'test files not found' in line
    assert 't10k-labels-idx1-ubyte' in line


def test_empty_image_folder_is_one_line(capsys, tmp_path):
    root = tmp_path / 'empty'
    (root / 'cat').mkdir(parents=True)
    line = _run_folder(capsys, tmp_path, str(root))
    assert 'Found 0 files' in line and 'sub-folders' in line


def test_read_only_work_dir_is_one_line(capsys, data, tmp_path,
                                        monkeypatch):
    """A read-only file system (EROFS; simulated, since root ignores
    folder permissions)."""
    import errno
    ro = str(tmp_path / 'ro')
    real = os.makedirs

    def makedirs(name, *args, **kwargs):
        if str(name).startswith(ro):
            raise OSError(errno.EROFS, 'Read-only file system', str(name))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(os, 'makedirs', makedirs)
    argv = [DEMO] + tiny_fmnist_cfg_options(data, ro + '/w', epochs=1)
    line = _error_line(capsys, argv)
    assert f'cannot write {ro}/w' in line and 'writable --work-dir' in line


def test_full_disk_is_one_line_and_keeps_the_last_checkpoint(
        capsys, data, tmp_path, monkeypatch):
    import errno

    import mmengine.runner.runner as runner_module
    work = str(tmp_path / 'w')
    TRAIN.main([DEMO] + tiny_fmnist_cfg_options(data, work, epochs=1))
    first = osp.join(work, 'epoch_1.pth')
    with open(first, 'rb') as f:
        before = f.read()
    real_save = runner_module.save_checkpoint

    def disk_full(checkpoint, filename, **kwargs):
        real_save(checkpoint, filename, **kwargs)
        with open(filename, 'r+b') as f:  # the write stops half-way
            f.truncate(os.path.getsize(filename) // 2)
        raise OSError(errno.ENOSPC, 'No space left on device', filename)

    monkeypatch.setattr(runner_module, 'save_checkpoint', disk_full)
    line = _error_line(capsys, [DEMO, '--resume'] + tiny_fmnist_cfg_options(
        data, work, epochs=2))
    assert 'no space left on the device' in line and 'epoch_2.pth' in line
    with open(first, 'rb') as f:
        assert f.read() == before
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))


def test_empty_dataset(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path,
                  'train_dataloader.dataset.indices=0')
    assert 'is empty (0 samples)' in line and 'LocalFashionMNIST' in line


def test_dataset_smaller_than_one_batch(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path,
                  'train_dataloader.dataset.indices=8')
    assert 'fewer than one batch of 16' in line


# ------------------------------------------------------- folder datasets
def _folder_cfg(tmp_path, root, val_root=None, num_classes=2):
    """A CustomDataset config over image folders (``val_root``: another
    folder for validation/test, default ``root``)."""
    val_root = val_root or root
    return _cfg(tmp_path, f"""
data_preprocessor = dict(num_classes={num_classes}, mean=[127.5] * 3,
                         std=[50.0] * 3)
pipe = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
train_dataloader = dict(batch_size=4, dataset=dict(
    _delete_=True, type='CustomDataset', data_root={root!r},
    pipeline=pipe))
val_dataloader = dict(batch_size=4, dataset=dict(
    _delete_=True, type='CustomDataset', data_root={val_root!r},
    pipeline=pipe))
test_dataloader = val_dataloader
model = dict(backbone=dict(in_channels=3, stem_channels=4,
                           base_channels=4),
             head=dict(num_classes={num_classes}, in_channels=32))
train_cfg = dict(max_epochs=1)
""")


def _image_folder(root, n=4):
    import cv2
    rng = np.random.default_rng(0)
    for cls in ('cat', 'dog'):
        os.makedirs(osp.join(root, cls), exist_ok=True)
        for i in range(n):
            img = rng.integers(0, 255, (12, 12, 3), dtype=np.uint8)
            cv2.imwrite(osp.join(root, cls, f'{i}.jpg'), img)
    return root


def _run_folder(capsys, tmp_path, root):
    return _error_line(capsys, [_folder_cfg(tmp_path, root), '--work-dir',
                                str(tmp_path / 'w')])


def test_truncated_image_in_folder_dataset_is_named(capsys, tmp_path):
    root = _image_folder(str(tmp_path / 'imgs'))
    bad = osp.join(root, 'dog', '2.jpg')
    with open(bad, 'rb') as f:
        content = f.read()
    with open(bad, 'wb') as f:
        f.write(content[:len(content) // 2])  # an interrupted copy
    line = _run_folder(capsys, tmp_path, root)
    assert f'cannot read image {bad}' in line and 'truncated' in line


def test_corrupt_image_in_folder_dataset_is_named(capsys, tmp_path):
    root = _image_folder(str(tmp_path / 'imgs'))
    bad = osp.join(root, 'cat', '0.jpg')  # the first sample
    with open(bad, 'wb') as f:
        f.write(b'not an image at all')
    line = _run_folder(capsys, tmp_path, root)
    assert f'cannot read image {bad}' in line


def test_missing_folder_dataset_root(capsys, tmp_path):
    line = _run_folder(capsys, tmp_path, str(tmp_path / 'no_such_dir'))
    assert 'no_such_dir' in line


# ------------------------------------------------------------- CLI/config
def test_unknown_cfg_options_key_suggests_nearest(capsys, data, tmp_path):
    line = _train(capsys, data, tmp_path, 'model.head.num_clases=10')
    line2 = _train(capsys, data, tmp_path, 'train_dataloder.batch_size=8')
    assert "key 'train_dataloder' does not exist" in line2
    assert "did you mean 'train_dataloader'?" in line2
    # a component kwarg that does not exist fails in its constructor
    assert "unexpected keyword argument 'num_clases'" in line
    assert 'check its spelling' in line and '_base_' in line
    assert line.startswith('error: TypeError: ')


def test_missing_config_file(capsys, tmp_path):
    line = _error_line(capsys, [str(tmp_path / 'nope.py')])
    assert 'config file not found' in line and 'nope.py' in line


# ------------------------------------------------ config files, labels, size
def test_syntax_error_in_a_base_file_names_file_and_line(capsys, tmp_path):
    base = tmp_path / 'base.py'
    base.write_text("model = dict(\n    type='MixupClassifier',\n    x=[1, 2\n")
    leaf = tmp_path / 'leaf.py'
    leaf.write_text("_base_ = ['./base.py']\nx = 1\n")
    line = _error_line(capsys, [str(leaf)])
    assert line.startswith('error: SyntaxError in ') and 'base.py' in line
    assert 'line ' in line


def test_labels_outside_num_classes_checked_up_front(capsys, tmp_path):
    """An ann-file dataset (no class names) with a typo label 7 for a
    2-class model: one line before training, not an IndexError in the
    loss (or a device-side assert on a GPU)."""
    root = _image_folder(str(tmp_path / 'imgs'))
    with open(osp.join(root, 'ann.txt'), 'w') as f:
        for i in range(4):
            f.write(f'cat/{i}.jpg 0\n')
        f.write('dog/0.jpg 7\ndog/1.jpg 1\ndog/2.jpg 1\ndog/3.jpg 1\n')
    cfg = _folder_cfg(tmp_path, root)
    line = _error_line(capsys, [cfg, '--work-dir', str(tmp_path / 'w'),
                                '--cfg-options',
                                'train_dataloader.dataset.ann_file=ann.txt'])
    assert 'sample 4 has label 7, outside [0, 2)' in line
    assert 'annotation file' in line


def test_last_batch_of_one_is_found_at_start_up(capsys, data, tmp_path):
    # 32 samples, batch 31, drop_last=False: the last batch holds 1 image
    line = _train(capsys, data, tmp_path, 'train_dataloader.batch_size=31',
                  'train_dataloader.drop_last=False')
    assert 'last batch of every epoch holds one image' in line
    assert 'drop_last=True' in line


def test_saliencymix_on_tiny_images_names_the_minimum():
    import torch

    from sumix_ext.models.mixers import build_mixer
    with pytest.raises(ValueError, match='at least 2x2'):
        build_mixer(dict(type='BatchSaliencyMix'))(torch.zeros(2, 1, 1, 1))
