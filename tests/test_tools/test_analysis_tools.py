"""Every analysis tool on tiny checkpoints built on the fly from the demo
config (run in-process through each tool's command module,
:mod:`sumix_ext.commands`, ``main(argv)``)."""
import json
import os.path as osp

import pytest
import torch
from PIL import Image

from sumix_ext.commands import (calibration, occlusion_robustness,
                                plot_curves, print_config, summarize_results,
                                vis_cam)
from tests.conftest import make_fashion_mnist, tiny_fmnist_cfg_options
from tests.test_evaluation.logs import make_work_dirs, write_run

DEMO = 'configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py'


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """Tiny Fashion-MNIST, cfg-options and two checkpoints of the demo
    model (different random weights, saved as MMEngine does)."""
    from mmengine.runner import save_checkpoint

    from sumix_ext.evaluation import init_classifier, load_eval_config
    tmp = tmp_path_factory.mktemp('tiny')
    root = make_fashion_mnist(str(tmp / 'fmnist'))
    opts = tiny_fmnist_cfg_options(root, str(tmp / 'work'))[3:]
    from mmengine.config import DictAction
    cfg = load_eval_config(DEMO, {
        key: DictAction._parse_iterable(value)
        for key, value in (o.split('=', 1) for o in opts)})
    ckpts = []
    for seed in (0, 1):
        torch.manual_seed(seed)
        model = init_classifier(cfg, None, 'cpu')
        path = str(tmp / f'run{seed}' / 'epoch_1.pth')
        save_checkpoint(dict(state_dict=model.state_dict(),
                             meta=dict(epoch=1)), path)
        ckpts.append(path)
    return dict(tmp=tmp, opts=opts, ckpts=ckpts)


def assert_png(path, min_w=200, min_h=200):
    with Image.open(path) as img:
        img.verify()
    with Image.open(path) as img:
        assert img.format == 'PNG'
        assert img.size[0] >= min_w and img.size[1] >= min_h


def test_occlusion_and_calibration_agree_and_make_pictures(tiny, tmp_path):
    occ = occlusion_robustness
    out = str(tmp_path / 'an')
    curves = occ.main([DEMO] + tiny['ckpts'] + [
        '--labels', 'A', 'B', '--steps', '6', '--out-dir', out,
        '--device', 'cpu', '--cfg-options'] + tiny['opts'])
    assert_png(osp.join(out, 'occlusion.png'))
    data = json.load(open(osp.join(out, 'occlusion.json')))
    assert data['shares'] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert data['num_images'] == 32 and set(data['top1']) == {'A', 'B'}
    assert curves == data['top1']
    # 100% occluded: every image is the same black square, so the model
    # predicts one class and top-1 is that class's share of the test set
    counts = torch.bincount(torch.arange(32) % 10).tolist()
    for acc in curves.values():
        assert acc[-1] in [pytest.approx(100 * c / 32) for c in counts]
    md = open(osp.join(out, 'occlusion.md')).read()
    assert '| A | ' in md and '| 100% |' in md

    cal = calibration
    rows = cal.main([DEMO] + tiny['ckpts'] + [
        '--labels', 'A', 'B', '--bins', '10', '--out-dir', out,
        '--device', 'cpu', '--cfg-options'] + tiny['opts'])
    assert_png(osp.join(out, 'calibration.png'), min_w=400)
    saved = json.load(open(osp.join(out, 'calibration.json')))
    for label in ('A', 'B'):
        assert sum(saved[label]['bins']['count']) == 32
        assert 0 <= saved[label]['ece'] <= 100
        # unoccluded top-1 of both tools is the same number
        assert rows[label]['top1'] == pytest.approx(curves[label][0])
    assert f'{rows["B"]["ece"]:.2f} |' in open(
        osp.join(out, 'calibration.md')).read()


def test_vis_cam_side_by_side(tiny, tmp_path):
    cam = vis_cam
    out = str(tmp_path / 'cam.png')
    table = cam.main([DEMO] + tiny['ckpts'] + [
        '--indices', '0', '3', '5', '--target-layer', 'backbone.layer4',
        '--out-file', out, '--device', 'cpu', '--cfg-options'] + tiny['opts'])
    assert_png(out, min_w=400, min_h=500)  # 3 rows x (input + 2 maps)
    saved = json.load(open(str(tmp_path / 'cam.json')))
    assert saved['indices'] == [0, 3, 5] and len(saved['ground_truth']) == 3
    labels = list(table)
    assert labels == ['run0', 'run1']  # default: run folder names
    assert all(len(v['predicted']) == 3 for v in table.values())


def test_vis_cam_in_mmpretrains_argument_order(tiny, tmp_path):
    """Issue 20 item 9: ``vis_cam.py IMG CONFIG CKPT --target-layers ...
    --save-path ...`` as mmpretrain's tool takes it."""
    import cv2
    import numpy as np
    img = str(tmp_path / 'garment.png')
    cv2.imwrite(img, np.random.default_rng(0).integers(
        0, 255, (28, 28), dtype=np.uint8))
    out = str(tmp_path / 'one.png')
    table = vis_cam.main([img, DEMO, tiny['ckpts'][0], '--target-layers',
                          'backbone.layer4', '--save-path', out, '--device',
                          'cpu', '--cfg-options'] + tiny['opts'])
    assert_png(out, min_w=100, min_h=100)
    saved = json.load(open(str(tmp_path / 'one.json')))
    assert saved['indices'] == ['garment.png']
    assert len(next(iter(table.values()))['predicted']) == 1


def test_tools_report_bad_input_in_one_line(tiny, tmp_path, capsys):
    cam = vis_cam
    with pytest.raises(SystemExit) as exc:
        cam.main([DEMO, tiny['ckpts'][0], '--indices', '99', '--out-file',
                  str(tmp_path / 'x.png'), '--cfg-options'] + tiny['opts'])
    assert exc.value.code == 2
    assert 'error: --indices [99] out of range: the test set has 32' in \
        capsys.readouterr().err
    occ = occlusion_robustness
    with pytest.raises(SystemExit):
        occ.main([DEMO, str(tmp_path / 'missing.pth'), '--out-dir',
                  str(tmp_path), '--cfg-options'] + tiny['opts'])
    assert 'error: checkpoint not found' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        occ.main([DEMO] + tiny['ckpts'] + ['--labels', 'only-one',
                                            '--cfg-options'] + tiny['opts'])
    assert 'give one per checkpoint' in capsys.readouterr().err


def test_plot_curves_of_two_runs(tmp_path):
    base = write_run(str(tmp_path), 'cutmix', [50.0, 60.0, 65.0],
                     train_loss=[2.0, 1.5, 1.0], sumix=False)
    ours = write_run(str(tmp_path), 'cutmix-sumix', [52.0, 63.0, 68.0],
                     train_loss=[2.2, 1.6, 1.2], sumix=True)
    tool = plot_curves
    out = str(tmp_path / 'curves.png')
    finals = tool.main([base, ours, '--out-file', out])
    assert_png(out, min_w=800)
    assert finals['cutmix']['accuracy/top1'] == 65.0
    assert finals['cutmix']['loss'] == 1.0
    assert finals['cutmix']['lam_tilde'] is None
    assert finals['cutmix-sumix']['lam_tilde'] == pytest.approx(0.505)
    assert finals['cutmix-sumix']['sumix_reg'] == pytest.approx(0.2)
    md = open(str(tmp_path / 'curves.md')).read()
    assert '| cutmix | 1 |' in md and '| cutmix-sumix |' in md


def test_summarize_results_tool(tmp_path, capsys):
    make_work_dirs(str(tmp_path / 'work_dirs'))
    tool = summarize_results
    tool.main([str(tmp_path / 'work_dirs'), '--out-dir', str(tmp_path)])
    printed = capsys.readouterr().out
    assert '| CutMix | 59.50 ± 7.07 | 61.50 ± 7.07 | +2.00 |' in printed
    saved = json.load(open(str(tmp_path / 'summary.json')))
    groups = {g['name']: g for g in saved['groups']}
    assert groups['r18_cutmix_fmnist']['median_last_mean_std'][0] == 59.5
    assert open(str(tmp_path / 'summary.md')).read() in printed
    with pytest.raises(SystemExit):
        tool.main([str(tmp_path / 'empty_dir_that_is_missing')])
    assert 'error: work dir root not found' in capsys.readouterr().err


def test_print_config_resolves_bases_and_options(capsys, tmp_path):
    tool = print_config
    out = str(tmp_path / 'resolved.py')
    tool.main(['configs/fashion_mnist/resnet18-w16_cutmix_1xb64-4e_fmnist.py',
               '--cfg-options', 'model.mixer.alpha=1.0', '--out', out])
    printed = capsys.readouterr().out
    assert "mixer=dict(alpha=1.0, type='BatchCutMix')" in printed
    assert 'sumix=None' in printed  # from the leaf config
    assert "type='LocalFashionMNIST'" in printed  # from a _base_
    assert osp.isfile(out)
    with pytest.raises(SystemExit):
        tool.main([DEMO, '--cfg-options', 'model.mixr.alpha=1'])
    assert "did you mean 'mixer'" in capsys.readouterr().err


def test_vis_cam_shows_bgr_inputs_as_rgb():
    cam = vis_cam
    raw = torch.zeros(3, 2, 2, dtype=torch.uint8)
    raw[0] = 255  # blue in BGR
    rgb, cmap = cam.to_display(raw, bgr=True)
    assert cmap is None and rgb.shape == (2, 2, 3)
    assert (rgb[..., 2] == 1).all() and (rgb[..., 0] == 0).all()
    grey, cmap = cam.to_display(raw[:1])
    assert cmap == 'gray' and grey.shape == (2, 2)


def test_vis_cam_speaks_mmpretrain_argument_names(tiny, tmp_path):
    cam = vis_cam
    out = str(tmp_path / 'c.png')
    table = cam.main([DEMO, tiny['ckpts'][0], '--indices', '0', '1',
                      '--target-layers', 'backbone.layer3',
                      '--target-category', '3', '--save-path', out,
                      '--method', 'GradCAM', '--device', 'cpu',
                      '--cfg-options'] + tiny['opts'])
    assert osp.isfile(out) and len(table) == 1
    with pytest.raises(SystemExit):
        cam.main([DEMO, tiny['ckpts'][0], '--method', 'ScoreCAM'])
