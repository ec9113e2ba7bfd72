"""The gallery (tools/visualization/vis_mix.py) and the benchmark
(tools/analysis_tools/benchmark_mixers.py): their command modules, run
in-process on tiny data."""
import json
import os.path as osp

import pytest
import torch

from sumix_ext.commands import benchmark_mixers, vis_mix
from tests.conftest import REPO, build_tiny_classifier

DEMO = osp.join(REPO, 'configs/fashion_mnist/'
                'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')


def tiny_opts(root):
    return ['--cfg-options', f'train_dataloader.dataset.data_root={root}',
            'train_dataloader.dataset.indices=None',
            'model.backbone.stem_channels=4', 'model.backbone.base_channels=4',
            'model.head.in_channels=32']


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n'
    return int.from_bytes(head[16:20], 'big'), int.from_bytes(head[20:24],
                                                              'big')


def test_gallery_draws_one_row_per_mixer_with_lam(fmnist_root, tmp_path,
                                                  capsys):
    vis = vis_mix
    out = str(tmp_path / 'g.png')
    assert vis.main([DEMO, '--out', out, '--num', '3'] +
                    tiny_opts(fmnist_root)) == 0
    w, h = png_size(out)
    assert h > 6 * w / 3  # seven rows of three cells
    assert '7 mixers x 3 samples' in capsys.readouterr().out


def test_gallery_with_checkpoint_adds_lam_tilde(fmnist_root, tmp_path,
                                                monkeypatch):
    vis = vis_mix
    model = build_tiny_classifier(sumix=True, in_channels=1)
    ckpt = str(tmp_path / 'tiny.pth')
    torch.save(dict(state_dict=model.state_dict(), meta={}), ckpt)
    seen = []
    draw = vis.draw
    monkeypatch.setattr(vis, 'draw',
                        lambda rows, out: (seen.extend(rows), draw(rows, out)))
    out = str(tmp_path / 'g.png')
    vis.main([DEMO, '--mixers', 'BatchFMix', 'BatchSaliencyMix', '--num', '2',
              '--checkpoint', ckpt, '--out', out] + tiny_opts(fmnist_root))
    assert [r[0] for r in seen] == ['BatchFMix', 'BatchSaliencyMix']
    for _, images, lams, tildes in seen:
        assert images.shape == (2, 28, 28) and 0 <= images.min() <= 1
        assert len(tildes) == 2 and all(0 <= t <= 1 for t in tildes)
        assert all(0 <= lam <= 1 for lam in lams)


def test_gallery_bad_input_is_one_line(fmnist_root, tmp_path, capsys):
    vis = vis_mix
    with pytest.raises(SystemExit) as exc:
        vis.main([DEMO, '--num', '1'] + tiny_opts(fmnist_root))
    assert exc.value.code == 2
    assert '--num must be >= 2' in capsys.readouterr().err


def test_benchmark_prints_a_row_per_mixer_and_writes_json(tmp_path, capsys):
    bench = benchmark_mixers
    out = str(tmp_path / 'b.json')
    bench.main(['--shapes', '4x1x16x16', '--step-repeats', '1',
                '--mix-repeats', '1', '--mixers', 'BatchMixup', 'BatchFMix',
                '--out', out])
    table = capsys.readouterr().out
    assert '| BatchMixup |' in table and '| BatchFMix |' in table
    with open(out) as f:
        res = json.load(f)
    r = res['shapes']['4x1x16x16']
    assert r['step_ms'] > 0
    assert r['mixers']['BatchFMix']['share'] == pytest.approx(
        r['mixers']['BatchFMix']['ms'] / r['step_ms'])


def test_benchmark_rejects_bad_shapes(capsys):
    bench = benchmark_mixers
    with pytest.raises(SystemExit):
        bench.main(['--shapes', '32x32'])
    assert 'NxCxHxW' in capsys.readouterr().err
