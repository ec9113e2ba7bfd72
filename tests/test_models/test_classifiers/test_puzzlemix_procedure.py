"""PuzzleMix's training procedure: one step through the classifier and
through tools/train.py, the weights its gradients reach (as the authors'
loop), the perturbation, the build-time refusals and the analysis mix."""
import copy
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sumix_ext.models.classifiers.procedures import (MIX_PROCEDURES,
                                                     active_procedure,
                                                     mix_batch)
from sumix_ext.models.classifiers.procedures.mixed_label import \
    mixed_label_loss
from sumix_ext.models.mixers import BatchPuzzleMix, gradient_saliency
from tests.conftest import (build_tiny_classifier, make_fashion_mnist,
                            run_tool, tiny_fmnist_cfg_options)
from tests.test_models.test_classifiers.test_fast_sumix import batch
from tests.test_reliability.utils import DEMO

MIXER = dict(type='BatchPuzzleMix', block_num=(2, 4), t_size=-1)


def _logits(model, x):
    return model.head(model.extract_feat(x))


@pytest.fixture
def spy(monkeypatch):
    """Records every call of BatchPuzzleMix: kwargs and output."""
    calls = []
    call = BatchPuzzleMix.__call__

    def recording(self, inputs, batch_score=None, **kwargs):
        out = call(self, inputs, batch_score, **kwargs)
        calls.append((kwargs, out))
        return out

    monkeypatch.setattr(BatchPuzzleMix, '__call__', recording)
    return calls


def _tracked(model):
    return model.backbone.bn1.num_batches_tracked.item()


@pytest.mark.parametrize('clean_lam', [0.0, 1.0])
def test_gradients_reach_the_weights_the_authors_update(spy, clean_lam):
    """clean_lam 0: the saliency pass (eval mode) leaves nothing: the
    step's gradients are those of the mixed loss alone and BatchNorm counts
    one batch; clean_lam 1: the train-mode clean CE, weighted 2 clean_lam,
    joins them and BatchNorm counts two."""
    np.random.seed(0)
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=None, mixer=dict(
        MIXER, clean_lam=clean_lam)).train()
    x, samples = batch(n=4)
    y = torch.cat([s.gt_label for s in samples])
    twin = copy.deepcopy(model)
    steps = _tracked(model)
    out = model.loss(x, samples)
    out['loss'].backward()
    assert _tracked(model) - steps == (1 if clean_lam == 0 else 2)
    assert model.training
    (kwargs, mixed), = spy
    # the saliency: the input gradient of the clean CE, in eval mode when
    # nothing trains on it
    xs = x.clone().requires_grad_(True)
    twin.train(clean_lam > 0)
    ce = F.cross_entropy(_logits(twin, xs), y)
    grad, = torch.autograd.grad(ce, xs)
    assert torch.allclose(kwargs['saliency'], gradient_saliency(grad),
                          rtol=1e-4, atol=1e-9)
    twin.train()
    expect = mixed_label_loss(twin, _logits(twin, mixed.inputs), y,
                              mixed.index, mixed.lam)
    if clean_lam > 0:
        expect = expect + 2 * clean_lam * F.cross_entropy(
            _logits(twin, x), y)
    assert out['loss'].item() == pytest.approx(expect.item(), rel=1e-5)
    expect.backward()
    for (name, p), q in zip(model.named_parameters(), twin.parameters()):
        if q.grad is None:
            assert p.grad is None or not p.grad.any(), name
            continue
        assert torch.allclose(p.grad, q.grad, atol=1e-6, rtol=1e-4), name
    assert set(out) == {'loss', 'lam', 'clean_ce'}
    assert out['lam'].item() == pytest.approx(mixed.lam.mean().item())


def test_one_sgd_step_through_the_classifier():
    np.random.seed(1)
    torch.manual_seed(1)
    model = build_tiny_classifier(sumix=None, mixer=MIXER).train()
    assert active_procedure(model) is MIX_PROCEDURES['puzzlemix']
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model.head.fc.weight.detach().clone()
    x, samples = batch(n=4)
    loss = model.loss(x, samples)['loss']
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert torch.isfinite(loss)
    assert not torch.equal(before, model.head.fc.weight)


def test_adversarial_perturbation_stays_in_the_ball(spy):
    np.random.seed(0)
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=None, mixer=dict(
        MIXER, adv_p=1.0, adv_eps=8.0)).train()
    x, samples = batch(n=4)
    model.loss(x, samples)
    (kwargs, _), = spy
    assert kwargs['noise_on'] == (True, True)
    noise = kwargs['noise']
    assert noise.shape == x.shape and noise.abs().max() <= 8 / 255 + 1e-7
    assert noise.abs().max() > 0
    mean, std = kwargs['scale']  # no normaliser: raw 0-255 pixels
    assert torch.equal(mean, torch.zeros(1, 1, 1, 1))
    assert torch.allclose(std, torch.full((1, 1, 1, 1), 1 / 255))


def test_refusals_at_build_and_as_a_stock_batch_augment():
    with pytest.raises(ValueError, match=r'BatchPuzzleMix does not combine '
                       r'with SUMix \(PuzzleMix.s mask is built from the '
                       r'input gradient'):
        build_tiny_classifier(sumix=True, mixer=MIXER)
    from mmpretrain.registry import MODELS
    with pytest.raises(ValueError, match='gradient checkpointing'):
        MODELS.build(dict(
            type='MixupClassifier', backbone=dict(
                type='ResNet_CIFAR', depth=18, stem_channels=4,
                base_channels=4, with_cp=True),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=10, in_channels=32),
            mixer=MIXER))
    with pytest.raises(ValueError, match='single-label class logits'):
        MODELS.build(dict(
            type='MixupClassifier', backbone=dict(
                type='ResNet_CIFAR', depth=18, stem_channels=4,
                base_channels=4),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='MultiLabelLinearClsHead', num_classes=10,
                      in_channels=32),
            mixer=MIXER))
    stock = MODELS.build(dict(
        type='ImageClassifier', backbone=dict(
            type='ResNet_CIFAR', depth=18, stem_channels=4, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=32,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)),
        data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=10),
        train_cfg=dict(augments=[MIXER])))
    x, samples = batch(n=4)
    with pytest.raises(ValueError, match='a batch augment does not have'):
        stock.data_preprocessor(dict(inputs=x, data_samples=samples), True)


def test_the_analysis_mix_and_its_fidelity_truth():
    """The fidelity tool's mix (mix_batch) uses the checkpoint's input
    gradient; the true share of a map moved with the transport is
    computed for every sample; without a model it is one line."""
    from sumix_ext.evaluation.ratio_fidelity import gather_ratios
    np.random.seed(0)
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=None, mixer=MIXER).eval()
    x, samples = batch(n=8)
    y = torch.cat([s.gt_label for s in samples])
    mixed = mix_batch(model, model.mixer, x, y)
    assert mixed.transport is not None and mixed.lam.shape == (8, )
    truth = x.abs().mean(1, keepdim=True)
    ratios = gather_ratios(x, y, MIXER, 4, truth, model, variants={})
    s = ratios['s']
    assert s.shape == (8, ) and ((s >= 0) & (s <= 1)).all()
    with pytest.raises(ValueError, match='give a checkpoint'):
        gather_ratios(x, y, MIXER, 4, truth, None, variants={})


def test_tools_train_runs_puzzlemix_on_28px(tmp_path):
    """Fashion-MNIST, 1 channel, 28 px: the study arm's grids (2, 4, 7,
    14), neigh_size 7, transport at the cut's blocks."""
    data = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    work = str(tmp_path / 'w')
    opts = tiny_fmnist_cfg_options(data, work, epochs=1, sumix=False) + [
        "model.mixer=dict(type='BatchPuzzleMix', block_num=(2, 4, 7, 14), "
        'neigh_size=7, t_size=-1)']
    run_tool(['tools/train.py', DEMO] + opts, timeout=300)
    ckpt = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 2
    assert torch.isfinite(ckpt['state_dict']['head.fc.weight']).all()


def test_gallery_row_with_the_configs_grids(fmnist_root, tmp_path, capsys,
                                            monkeypatch):
    """tools/visualization/vis_mix.py draws a PuzzleMix row: the config's
    own mixer arguments (grids for 28 px), the untrained model's saliency
    without a checkpoint (said in a note)."""
    from sumix_ext.commands import vis_mix
    from tests.test_tools.test_mixer_tools import tiny_opts
    seen = []
    draw = vis_mix.draw
    monkeypatch.setattr(vis_mix, 'draw', lambda rows, out: (
        seen.extend(rows), draw(rows, out)))
    opts = tiny_opts(fmnist_root) + [
        "model.mixer=dict(type='BatchPuzzleMix', block_num=(2, 4, 7, 14), "
        "neigh_size=7, t_size=-1)", 'model.sumix=None']
    assert vis_mix.main([DEMO, '--mixers', 'BatchPuzzleMix', 'BatchCutMix',
                         '--num', '3', '--out', str(tmp_path / 'g.png')]
                        + opts) == 0
    assert "mixes with the input gradient of the config's untrained" in \
        capsys.readouterr().out
    (name, images, lams, _), _ = seen
    assert name == 'BatchPuzzleMix' and images.shape == (3, 28, 28)
    assert all(0 <= lam <= 1 for lam in lams)


def test_fidelity_tool_scores_puzzlemix_only_with_a_checkpoint(tmp_path,
                                                               capsys):
    """tools/analysis_tools/ratio_fidelity.py --mixers PuzzleMix: mixed
    with the checkpoint's input gradient and scored against the cluttered
    scenes' object masks moved with the transport; without a checkpoint it
    is one error line."""
    from sumix_ext.apis import load_config
    from sumix_ext.commands import ratio_fidelity
    from sumix_ext.evaluation import init_classifier
    from tests.conftest import REPO
    config = (f'{REPO}/configs/fashion_mnist/study/resnet18-w16_cutmix-'
              'sumix_1xb64-100e_fmnist-clutter-1k-study.py')
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=40, n_test=40)
    opts = ['--cfg-options', f'val_dataloader.dataset.data_root={root}',
            'val_dataloader.dataset.index_range=None']
    args = ['--truth', 'sample', '--mixers', 'PuzzleMix', '--batch-sizes',
            '8', '--num-images', '16', '--variants', 'official',
            '--out-dir', str(tmp_path / 'fid')]
    with pytest.raises(SystemExit):
        ratio_fidelity.main([config] + args + opts)
    assert "give a checkpoint" in capsys.readouterr().err
    ckpt = str(tmp_path / 'm.pth')
    model = init_classifier(load_config(config), None)
    torch.save(dict(state_dict=model.state_dict(), meta={}), ckpt)
    scores = ratio_fidelity.main([config, ckpt, '--labels', 'ck'] + args +
                                 opts)
    (key, sc), = scores.items()
    assert key == 'PuzzleMix | batch 8 | ck'
    assert sc['lam']['n'] == 16 and 0 <= sc['lam']['mae'] <= 1
