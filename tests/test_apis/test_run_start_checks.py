"""Issue 19: class lists compared by name, an empty class folder named,
and other start-up checks, each one true line (cause and fix) as the last
line of stderr, exit code 2."""
import os
import os.path as osp

import cv2
import numpy as np

from tests.test_apis.test_bad_inputs import (  # noqa: F401  (fixtures)
    _cfg, _error_line, _fast_config_text, _folder_cfg, _train, data)


def _folders(root, classes, n=4, empty=()):
    rng = np.random.default_rng(0)
    for cls in classes:
        os.makedirs(osp.join(root, cls), exist_ok=True)
        for i in range(0 if cls in empty else n):
            img = rng.integers(0, 255, (12, 12, 3), dtype=np.uint8)
            cv2.imwrite(osp.join(root, cls, f'{i}.jpg'), img)
    return root


def test_class_folders_that_differ_by_name_stop_at_start(capsys, tmp_path):
    """Case 3: train {a,b,c}, val {a,c,d}: same count, shifted labels."""
    train = _folders(str(tmp_path / 'train'), ['a', 'b', 'c'])
    val = _folders(str(tmp_path / 'val'), ['a', 'c', 'd'])
    work = tmp_path / 'w'
    line = _error_line(capsys, [_folder_cfg(tmp_path, train, val, 3),
                                '--work-dir', str(work)])
    assert 'train and val datasets name different classes' in line
    assert "only in train: ['b']; only in val: ['d']" in line
    assert 'same class folders' in line
    assert not list(work.glob('*.pth'))  # stopped before any training


def test_an_empty_class_folder_is_named_with_one_fix(capsys, tmp_path):
    """Case 7: one message, naming the folder, not two contradicting
    num_classes fixes."""
    train = _folders(str(tmp_path / 'train'), ['a', 'b', 'c'], empty=['c'])
    val = _folders(str(tmp_path / 'val'), ['a', 'b'])
    line = _error_line(capsys, [_folder_cfg(tmp_path, train, val, 2),
                                '--work-dir', str(tmp_path / 'w')])
    assert "class folder(s) with no image: 'c'" in line
    assert 'delete the empty folder' in line and 'num_classes' not in line


def test_mixer_hint_names_only_runnable_mixers(capsys, data, tmp_path):
    """Case 5 (and issue 20 item 6): a typo suggests a mixer model.mixer
    can run; mmpretrain's names are refused at build with our equivalent."""
    line = _train(capsys, data, tmp_path, 'model.mixer.type=CutMixx')
    assert "Did you mean 'BatchCutMix'?" in line
    assert "'CutMix'," not in line and "'Mixup'" not in line
    for stock, ours in (('CutMix', 'BatchCutMix'), ('Mixup', 'BatchMixup'),
                        ('ResizeMix', 'BatchResizeMix')):
        line = _train(capsys, data, tmp_path, f'model.mixer.type={stock}')
        assert f"mixer '{stock}' is mmpretrain's batch augment" in line
        assert f"type='{ours}'" in line


def test_random_mixer_with_mixup_and_a_share_ratio_stops_at_start(
        capsys, data, tmp_path):
    """Case 8: the error comes when the model is built, not when Mixup is
    first drawn some steps later."""
    work = tmp_path / 'w'
    cfg = _cfg(tmp_path, (
        "model = dict(mixer=dict(_delete_=True, type='RandomMixer', mixers=["
        "dict(type='BatchCutMix'), dict(type='BatchMixup')], "
        "probs=[0.99, 0.01]), sumix=dict(ratio='saliency'))"))
    line = _train(capsys, data, tmp_path, config=cfg)
    assert "one of RandomMixer's mixers" in line
    assert "ratio='retention'" in line
    assert not list(work.glob('*.pth'))


def test_max_epochs_zero_is_one_line_at_start(capsys, data, tmp_path):
    """Case 15."""
    line = _train(capsys, data, tmp_path, 'train_cfg.max_epochs=0')
    assert line == ('error: train_cfg.max_epochs=0: nothing to train; set '
                    'train_cfg.max_epochs to 1 or more')


def test_a_base_typo_names_the_config_that_refers_to_it(capsys, tmp_path):
    """Case 16."""
    from tests.test_apis.test_bad_inputs import TRAIN
    from tests.test_reliability.utils import DEMO
    typo = DEMO.replace('4e_fmnist.py', '4e_fmnistt.py')
    mid = tmp_path / 'mid.py'
    mid.write_text(f'_base_ = [{typo!r}]\n')
    leaf = tmp_path / 'leaf.py'
    leaf.write_text("_base_ = ['./mid.py']\n")
    line = _error_line(capsys, [str(leaf)], tool=TRAIN)
    assert f'_base_ file not found: {typo}, named in {mid}' in line
    assert "did you mean 'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py'" in \
        line or "did you mean '" in line


def test_test_out_on_a_read_only_path_stops_before_the_pass(
        capsys, data, tmp_path):
    """Case 10: checked at start-up, naming --out (not --work-dir)."""
    from sumix_ext.apis import init_model
    from tests.conftest import tiny_fmnist_cfg_options
    from tests.test_apis.test_bad_inputs import _command
    TEST = _command('test')
    from tests.test_reliability.utils import DEMO
    opts = tiny_fmnist_cfg_options(data, str(tmp_path / 'w'))
    model = init_model(DEMO, device='cpu', cfg_options=None)
    ckpt = str(tmp_path / 'm.pth')
    import torch
    torch.save({'state_dict': model.state_dict()}, ckpt)
    line = _error_line(capsys, [DEMO, ckpt, '--out', '/proc/sumix/m.pkl',
                                '--work-dir', opts[1]] + opts[2:],
                       tool=TEST)
    assert line.startswith('error: --out /proc/sumix/m.pkl: cannot write')
    assert 'give --out a writable file path' in line
    assert '--work-dir' not in line
    assert 'accuracy' not in capsys.readouterr().out  # no test pass ran


def test_a_legacy_format_checkpoint_is_not_called_corrupt(tmp_path):
    """Case 13: torch's non-zip format, which weights_only accepts."""
    import torch

    from sumix_ext.engine.runner.sumix_runner import checkpoint_problem
    path = str(tmp_path / 'legacy.pth')
    torch.save({'state_dict': {'w': torch.ones(2)}}, path,
               _use_new_zipfile_serialization=False)
    assert checkpoint_problem(path) is None
    junk = tmp_path / 'junk.pth'
    junk.write_bytes(b'not a checkpoint at all')
    assert checkpoint_problem(str(junk)) == 'not a checkpoint file'


def test_yaml_config_errors_are_one_line(capsys, tmp_path):
    """Case 11: a .yaml holding Python, and a YAML syntax error."""
    from tests.test_apis.test_bad_inputs import TRAIN
    py = tmp_path / 'py.yaml'
    py.write_text("model = dict(type='MixupClassifier')\n")
    line = _error_line(capsys, [str(py)], tool=TRAIN)
    assert f'{py} is not a valid .yaml config' in line
    assert 'name it .py' in line
    bad = tmp_path / 'bad.yaml'
    bad.write_text('model: {type: [\n')
    line = _error_line(capsys, [str(bad)], tool=TRAIN)
    assert f'{bad} is not a valid .yaml config' in line and 'line 2' in line


def test_data_root_reaches_every_loader_from_options_and_children(
        tmp_path):
    """Case 14: --cfg-options data_root=X and a child's data_root = X move
    the loaders that used the config's data_root."""
    from sumix_ext.apis import load_config
    from tests.conftest import REPO
    custom = osp.join(REPO, 'configs', 'custom',
                      'resnet18_cutmix-sumix_1xb32-30e_custom-folder.py')
    cfg = load_config(custom, {'data_root': '/data/mine'})
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].dataset.data_root == '/data/mine', key
    grey = custom.replace('folder.py', 'folder-grey.py')
    child = tmp_path / 'child.py'
    child.write_text(f"_base_ = [{grey!r}]\ndata_root = '/data/scans'\n")
    cfg = load_config(str(child))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].dataset.data_root == '/data/scans', key


def test_python_dict_values_on_the_command_line(capsys, data, tmp_path):
    """Issue 20 item 9: dict values in --cfg-options (a dict replaces the
    config's dict), and a missing TensorBoard is one line at start-up."""
    import importlib.util

    from sumix_ext.commands.train import parse_args
    args = parse_args(['x.py', '--cfg-options',
                       "model.mixer=dict(type='BatchFMix', alpha=0.5)",
                       "visualizer.vis_backends=[dict(type="
                       "'TensorboardVisBackend')]", 'model.sumix=None'])
    assert args.cfg_options['model.mixer'] == dict(
        type='BatchFMix', alpha=0.5, _delete_=True)
    assert args.cfg_options['visualizer.vis_backends'] == [
        dict(type='TensorboardVisBackend')]
    assert args.cfg_options['model.sumix'] is None
    if importlib.util.find_spec('tensorboard') is None:
        line = _train(capsys, data, tmp_path,
                      "visualizer.vis_backends=[dict(type="
                      "'TensorboardVisBackend')]")
        assert 'tensorboard is not installed: pip install tensorboard' in \
            line
