"""ManifoldMix: the pre-hook mixes exactly the drawn stage's input (the
image for layer 0) with the drawn partners and lam, nothing else, and is
gone after the step; every weight gets a gradient; build-time refusals are
one line naming the fix."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import sumix_ext  # noqa: F401
from sumix_ext.models.classifiers.procedures.manifoldmix import (
    backbone_stages, mix_site)
from sumix_ext.models.mixers import BatchManifoldMix, manifold_mix
from sumix_ext.models.utils import ForwardMix

BACKBONES = {
    'ResNet_CIFAR': (dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                          base_channels=4), 32),
    'ResNeXt_CIFAR': (dict(type='ResNeXt_CIFAR', depth=50, stem_channels=8,
                           base_channels=8, groups=2, width_per_group=4),
                      256),
    'ResNet': (dict(type='ResNet', depth=18, stem_channels=4,
                    base_channels=4), 32),
    'WideResNet_CIFAR': (dict(type='WideResNet_CIFAR', depth=10,
                              widen_factor=1), 64),
}
INDEX = torch.tensor([2, 3, 0, 1])
LAM = 0.3


def build(backbone='ResNet_CIFAR', **mixer):
    cfg, feat = BACKBONES[backbone]
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='MixupClassifier', backbone=cfg,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='SUMixHead', num_classes=10, in_channels=feat),
        mixer=dict(type='BatchManifoldMix', **mixer), sumix=None)).train()


def hand_batch(n=4, size=32):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, 3, size, size, generator=g)
    y = torch.tensor([0, 1, 2, 3])[:n]
    return x, [DataSample().set_gt_label(int(v)) for v in y], y


def block_inputs(model):
    """Record what every stage's first block (and the stem) receives: the
    pre-hook on a stage replaces its input before these fire."""
    seen, handles = {}, []
    stem = next(m for m in model.backbone.modules()
                if isinstance(m, torch.nn.Conv2d))
    sites = [stem] + [stage[0] for stage in backbone_stages(model.backbone)]
    for j, site in enumerate(sites):
        def rec(module, args, j=j):
            seen[j] = args[0].detach().clone()
        handles.append(site.register_forward_pre_hook(rec))
    return seen, handles


def n_hooks(model):
    return sum(len(m._forward_pre_hooks) + len(m._forward_hooks)
               for m in model.modules())


@pytest.mark.parametrize('backbone', list(BACKBONES))
def test_the_hook_mixes_exactly_the_drawn_stage(backbone, monkeypatch):
    model = build(backbone, layers=(0, 1, 2))
    x, samples, y = hand_batch()
    stages = backbone_stages(model.backbone)
    clean, handles = block_inputs(model)
    model.extract_feat(x)
    for h in handles:
        h.remove()
    for k in (0, 1, 2):
        monkeypatch.setattr(model.mixer, 'draw',
                            lambda n, device, k=k: (LAM, INDEX, k))
        mixed, more = block_inputs(model)
        out = model.loss(x, samples)
        for h in more:
            h.remove()
        # j = 0: the stem's input (the image); j >= 1: stage j-1's input
        want = clean[k] if k == 0 else clean[k + 1]
        got = mixed[k] if k == 0 else mixed[k + 1]
        torch.testing.assert_close(got, LAM * want + (1 - LAM) * want[INDEX])
        before = range(1) if k == 0 else range(k + 1)
        for j in before:  # everything before the drawn stage: untouched
            if (k, j) != (0, 0):
                assert torch.equal(mixed[j], clean[j]), (k, j)
        # after it: what the network makes of the mixed state, not mixed
        # again (k = 0: the clean forward of the mixed image)
        if k == 0:
            ref, hs = block_inputs(model)
            model.extract_feat(got)
            for h in hs:
                h.remove()
            assert all(torch.equal(mixed[j], ref[j]) for j in ref)
        elif k + 2 in mixed:
            with torch.no_grad():
                nxt = stages[k](got)
            torch.testing.assert_close(mixed[k + 2], nxt)
        assert float(out['lam']) == pytest.approx(LAM)
        assert float(out['mix_layer']) == k
        # the label: lam y_a + (1 - lam) y_b with the drawn partners
        with ForwardMix(mix_site(model.backbone, k),
                        lambda h: manifold_mix(h, LAM, INDEX)):
            z = model.head(model.extract_feat(x))
        want_loss = LAM * F.cross_entropy(z, y) + \
            (1 - LAM) * F.cross_entropy(z, y[INDEX])
        torch.testing.assert_close(out['loss'], want_loss)


def test_the_hook_is_removed_after_the_step_even_on_an_error(monkeypatch):
    model = build()
    x, samples, _ = hand_batch()
    bare = n_hooks(model)
    for k in (0, 1, 2):
        monkeypatch.setattr(model.mixer, 'draw',
                            lambda n, device, k=k: (LAM, INDEX, k))
        model.loss(x, samples)
        assert n_hooks(model) == bare
    # a failing forward (here: a bad partner index) leaves no hook behind
    monkeypatch.setattr(model.mixer, 'draw',
                        lambda n, device: (LAM, torch.tensor([9, 0, 1, 2]),
                                           1))
    with pytest.raises(IndexError):
        model.loss(x, samples)
    assert n_hooks(model) == bare


@pytest.mark.parametrize('backbone', ['ResNet_CIFAR', 'WideResNet_CIFAR'])
@pytest.mark.parametrize('layer', [0, 1, 2])
def test_every_weight_gets_a_gradient(backbone, layer, monkeypatch):
    """The authors' code trains the whole network through the mixed
    hidden state: every backbone and head weight gets a gradient."""
    model = build(backbone, layers=(0, 1, 2))
    x, samples, _ = hand_batch()
    monkeypatch.setattr(model.mixer, 'draw',
                        lambda n, device: (LAM, INDEX, layer))
    model.loss(x, samples)['loss'].backward()
    trained = {n: p for n, p in model.named_parameters() if p.requires_grad}
    assert any(n.startswith('backbone.') for n in trained)
    assert any(n.startswith('head.') for n in trained)
    for name, p in trained.items():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_layer_and_lam_draws():
    mixer = BatchManifoldMix(alpha=2.0, layers=(0, 2, 3))
    np.random.seed(0)
    layers = [mixer.sample_layer() for _ in range(3000)]
    counts = np.bincount(layers, minlength=4)
    assert counts[1] == 0 and all(abs(c / 3000 - 1 / 3) < 0.04
                                  for c in counts[[0, 2, 3]])
    lam, index, layer = mixer.draw(5)
    assert 0 < lam < 1 and sorted(index.tolist()) == list(range(5))
    assert layer in (0, 2, 3)
    # called directly it mixes what it is given (layer 0: a Mixup)
    x = torch.randn(4, 3, 8, 8)
    out = mixer.mix(x, LAM, INDEX)
    torch.testing.assert_close(out.inputs, LAM * x + (1 - LAM) * x[INDEX])
    assert out.lam == LAM and out.mask is None


def test_defaults_are_the_authors():
    mixer = BatchManifoldMix()
    assert (mixer.alpha, mixer.layers) == (2.0, (0, 1, 2))
    assert BatchManifoldMix(alpha=1, layers=[1]).layers == (1, )


@pytest.mark.parametrize('layers', [(), (0, 0), (-1, ), (0.5, ), (True, ),
                                    'abc'])
def test_bad_layers_are_one_line(layers):
    with pytest.raises(ValueError, match=r'layers must be distinct integers'):
        BatchManifoldMix(layers=layers)


def test_refusals_name_the_fix():
    with pytest.raises(ValueError, match=r'names layer 4, but ResNet_CIFAR '
                       r'has 4 stages.*use e.g. layers=\(0, 1, 2\)'):
        build(layers=(0, 4))
    with pytest.raises(ValueError, match=r'WideResNet_CIFAR has 3 stages'):
        build('WideResNet_CIFAR', layers=(3, ))
    with pytest.raises(ValueError, match=r'knows the stages.*got '
                       r'VisionTransformer'):
        MODELS.build(dict(
            type='MixupClassifier',
            backbone=dict(type='VisionTransformer', img_size=32,
                          patch_size=8, arch=dict(
                              embed_dims=32, num_layers=1, num_heads=2,
                              feedforward_channels=64)),
            head=dict(type='SUMixHead', num_classes=10, in_channels=32),
            mixer=dict(type='BatchManifoldMix'), sumix=None))
    with pytest.raises(ValueError, match=r'does not combine with SUMix \(it '
                       r'mixes hidden states'):
        MODELS.build(dict(
            type='MixupClassifier', backbone=BACKBONES['ResNet_CIFAR'][0],
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='SUMixHead', num_classes=10, in_channels=32),
            mixer=dict(type='BatchManifoldMix'),
            sumix=dict(type='SUMixLoss')))
    with pytest.raises(ValueError, match="not in a stock ImageClassifier"):
        BatchManifoldMix()(torch.randn(4, 3, 8, 8), torch.eye(4))
    with pytest.raises(ValueError, match=r'alpha must be a finite number'):
        BatchManifoldMix(alpha=0)


def test_forward_mix_refuses_a_module_that_did_not_run():
    model = build()
    x, _, _ = hand_batch()
    with pytest.raises(RuntimeError, match='did not run in the forward'):
        with ForwardMix(model.head.fc, lambda h: h):
            model.extract_feat(x)
    assert n_hooks(model) == 0
