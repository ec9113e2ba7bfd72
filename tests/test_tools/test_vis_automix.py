"""``tools/visualization/vis_automix.py``: the learned masks of one
AutoMix run, checkpoint by checkpoint, on the same samples and partners;
a config without a Mix Block is one error line."""
import os.path as osp

import pytest
import torch

from sumix_ext.commands import vis_automix
from tests.conftest import REPO, make_fashion_mnist
from tests.test_models.test_classifiers.test_automix import _tiny_cfg


def _checkpoint(cfg_path, path, value_bias=None):
    """The config's model (seeded init), its Mix Block's value conv set to
    ``value_bias`` everywhere: the mask is then sigmoid(bias) at every
    pixel (the attention rows sum to 1)."""
    from mmengine.config import Config

    from sumix_ext.evaluation import init_classifier
    torch.manual_seed(0)
    model = init_classifier(Config.fromfile(cfg_path), None)
    if value_bias is not None:
        with torch.no_grad():
            model.mix_block.value.weight.zero_()
            model.mix_block.value.bias.fill_(value_bias)
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path


def test_rows_follow_the_checkpoints(tmp_path, monkeypatch):
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32, n_test=16)
    cfg = _tiny_cfg(str(tmp_path / 'automix.py'), root, 'automix', 1)
    early = _checkpoint(cfg, str(tmp_path / 'early.pth'))
    late = _checkpoint(cfg, str(tmp_path / 'late.pth'), value_bias=3.0)
    drawn = {}
    monkeypatch.setattr(vis_automix, 'draw',
                        lambda rows, out, lam: drawn.update(rows=rows))
    assert vis_automix.main([cfg, early, late, '--labels', 'start', 'end',
                             '--init', '--num', '3', '--lam', '0.4']) == 0
    rows = drawn['rows']
    assert [r[0] for r in rows] == ['init', 'start', 'end']
    for _, masks, images, shares in rows:
        assert masks.shape == (3, 28, 28) and images.shape == (3, 28, 28)
        # the share of x is one minus the mean partner share of its mask
        assert shares == pytest.approx((1 - masks.mean(axis=(1, 2))),
                                       abs=1e-6)
    # the seeded init and the checkpoint of the same init give one mask
    assert rows[0][1] == pytest.approx(rows[1][1], abs=1e-6)
    # value bias 3 everywhere: partner share sigmoid(3) at every pixel
    expected = float(torch.sigmoid(torch.tensor(3.0)))
    assert rows[2][1] == pytest.approx(expected, abs=1e-5)
    assert rows[2][3] == pytest.approx([1 - expected] * 3, abs=1e-5)


def test_writes_the_png(tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32, n_test=16)
    cfg = _tiny_cfg(str(tmp_path / 'automix.py'), root, 'automix', 1)
    out = str(tmp_path / 'masks.png')
    assert vis_automix.main([cfg, '--init', '--num', '2', '--out', out]) == 0
    assert osp.getsize(out) > 1000


def test_a_config_without_a_mix_block_is_one_line(fmnist_root, capsys):
    demo = osp.join(REPO, 'configs/fashion_mnist/'
                    'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')
    with pytest.raises(SystemExit) as exc:
        vis_automix.main([demo, '--init', '--cfg-options',
                          f'train_dataloader.dataset.data_root={fmnist_root}'])
    assert exc.value.code != 0
    err = [ln for ln in capsys.readouterr().err.splitlines()
           if ln.startswith('error:')]
    assert len(err) == 1 and 'MixupClassifier, which has no learned mask' \
        in err[0]
