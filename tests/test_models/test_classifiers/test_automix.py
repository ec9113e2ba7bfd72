"""AutoMixClassifier (AutoMix / SAMix): the momentum encoder, the Mix
Block's masks, where each loss sends its gradient, exact resume, the build
errors and one real tools/train.py run per family."""
import copy
import math
import os.path as osp
import signal

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import sumix_ext  # noqa: F401
from sumix_ext.models.classifiers.automix_classifier import cosine_momentum
from sumix_ext.models.losses import eta_balanced_mix_loss, mixup_cross_entropy
from sumix_ext.models.utils.mix_block import (PixelMixBlock, adjust_mask,
                                              rescale_lam)
from tests.conftest import make_fashion_mnist, run_tool
from tests.test_reliability.utils import DEMO, json_logs

AUTOMIX_BLOCK = dict(type='PixelMixBlock', up_mode='nearest',
                     mask_loss_mode='L1', mask_loss_margin=0.1)
SAMIX_BLOCK = dict(type='PixelMixBlock', up_mode='bilinear', lam_mul=1.0,
                   lam_residual=True, lam_mul_k=0.25, value_hidden=16,
                   x_qk_concat=True, mask_loss_mode='L1+Variance',
                   mask_loss_margin=0.1)
FAMILIES = dict(
    automix=dict(mix_block=AUTOMIX_BLOCK),
    samix=dict(mix_block=SAMIX_BLOCK, mask_adjust=0.25,
               mix_block_loss=dict(type='EtaBalancedMixLoss', eta=0.5)))


def build(family='automix', **over):
    init_default_scope('mmpretrain')
    cfg = dict(
        type='AutoMixClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, num_stages=4,
                      out_indices=(3, ), style='pytorch', stem_channels=4,
                      base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='SUMixHead', num_classes=10, in_channels=32,
                  is_norm=True, loss=dict(type='CrossEntropyLoss')),
        momentum_end=0.999999, **copy.deepcopy(FAMILIES[family]))
    cfg.update(over)
    return MODELS.build(cfg)


def batch(n=6, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, size, size, generator=g)
    labels = torch.arange(n) % 10
    return x, [DataSample().set_gt_label(int(y)) for y in labels], labels


def sgd(model):
    return OptimWrapper(torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1,
        momentum=0.9, weight_decay=1e-4))


# ------------------------------------------------------- momentum encoder
def test_momentum_encoder_starts_as_a_frozen_copy():
    model = build()
    for online, twin in model._momentum_pairs():
        for (name, pq), pk in zip(online.named_parameters(),
                                  twin.parameters()):
            assert torch.equal(pq, pk) and not pk.requires_grad, name
    model.init_weights()  # re-initialised online: the copy follows
    for pq, pk in zip(model.backbone.parameters(),
                      model.backbone_k.parameters()):
        assert torch.equal(pq, pk)


def test_momentum_update_equals_hand_computed_ema():
    torch.manual_seed(0)
    model = build()
    with torch.no_grad():
        for p in model.backbone.parameters():
            p.add_(torch.randn_like(p))
        for p in model.head_mix.parameters():
            p.add_(torch.randn_like(p))
    pairs = [(pq.detach().clone(), pk.detach().clone(), pk)
             for online, twin in model._momentum_pairs()
             for pq, pk in zip(online.parameters(), twin.parameters())]
    buffers = [b.clone() for b in model.backbone_k.buffers()]
    model.momentum = 0.9
    model.momentum_update()
    for q, k0, k in pairs:
        torch.testing.assert_close(k, 0.9 * k0 + 0.1 * q, rtol=0, atol=1e-6)
        # bit for bit OpenMixup's per-parameter update
        assert torch.equal(k, k0.clone().mul_(0.9).add_(q, alpha=1 - 0.9))
    for b0, b in zip(buffers, model.backbone_k.buffers()):
        assert torch.equal(b0, b)  # BN statistics are not averaged
    model.momentum = 1.0  # m = 1: a fixed encoder
    before = [p.clone() for p in model.backbone_k.parameters()]
    model.momentum_update()
    assert all(torch.equal(a, b) for a, b in
               zip(before, model.backbone_k.parameters()))


def test_train_step_applies_the_scheduled_ema_after_the_step():
    torch.manual_seed(0)
    np.random.seed(0)
    model = build()
    model.train()
    x, samples, _ = batch()
    k0 = [p.detach().clone() for p in model.backbone_k.parameters()]
    hub = MessageHub.get_instance('test_automix_momentum')  # now current
    hub.update_info('iter', 500)
    hub.update_info('max_iters', 1000)
    try:
        model.train_step(dict(inputs=x, data_samples=samples), sgd(model))
    finally:
        MessageHub._instance_dict.pop('test_automix_momentum', None)
    m = 0.999999 - (0.999999 - 0.999) * (math.cos(math.pi * 0.5) + 1) / 2
    assert model.momentum == pytest.approx(m)
    for p0, pq, pk in zip(k0, model.backbone.parameters(),
                          model.backbone_k.parameters()):
        torch.testing.assert_close(pk, m * p0 + (1 - m) * pq, rtol=0,
                                   atol=1e-6)


def test_cosine_momentum_is_openmixups_schedule():
    assert cosine_momentum(0.999, None, 900, 1000, 0.1) == 0.999
    assert cosine_momentum(0.999, 0.999999, 99, 1000, 0.1) == 0.999
    assert cosine_momentum(0.999, 0.999999, 5, None, 0.1) == 0.999
    t = 400 / 1000
    assert cosine_momentum(0.999, 0.999999, 400, 1000, 0.1) == \
        pytest.approx(0.999999 - 0.000999 * (math.cos(math.pi * t) + 1) / 2)
    assert cosine_momentum(0.999, 0.999999, 1000, 1000, 0.1) == \
        pytest.approx(0.999999)


# -------------------------------------------------------------- the masks
@pytest.mark.parametrize('family', ['automix', 'samix'])
def test_mask_shape_range_and_mix(family):
    torch.manual_seed(0)
    model = build(family)
    x, _, _ = batch(n=5, size=20)
    index = torch.randperm(5)
    mask_mb, mask_bb = model.mix_masks(x, 0.3, 0.4, index, index)
    for mask in (mask_mb, mask_bb):
        assert mask.shape == (5, 2, 20, 20) and mask.dtype == torch.float32
        assert bool(((mask > 0) & (mask < 1)).all())
        torch.testing.assert_close(mask.sum(1), torch.ones(5, 20, 20))
    assert mask_mb.requires_grad and not mask_bb.requires_grad
    from sumix_ext.models.classifiers.automix_classifier import \
        mix_with_masks
    mixed = mix_with_masks(x, index, mask_mb)
    torch.testing.assert_close(
        mixed, mask_mb[:, :1] * x + mask_mb[:, 1:] * x[index])


def test_mask_loss_ties_the_mean_to_lam_as_openmixup():
    block = PixelMixBlock(8, mask_loss_margin=0.1)
    share = torch.full((2, 1, 4, 4), 0.3)   # partner share 0.3: x has 0.7
    mask = torch.cat([1 - share, share], dim=1)
    assert float(block.mask_loss(mask, 0.65)) == 0.0   # inside the margin
    assert float(block.mask_loss(mask, 0.5)) == pytest.approx(0.1)
    var = PixelMixBlock(8, mask_loss_mode='L1+Variance', mask_loss_margin=0.)
    share = torch.tensor([0.2, 0.6]).view(2, 1, 1, 1).expand(2, 1, 4, 4)
    mask = torch.cat([1 - share, share], dim=1)
    # mean share 0.4 -> |1 - 0.4 - 0.5| = 0.1; variance 0.04
    assert float(var.mask_loss(mask, 0.5)) == pytest.approx(0.1 - 2 * 0.04)


@pytest.mark.parametrize('family', ['automix', 'samix'])
def test_mask_loss_alone_drives_the_mask_mean_to_lam(family):
    """The method ties the mean to lam only through its mask loss: trained
    on it alone, the block's mean share of x lands within the margin."""
    torch.manual_seed(0)
    block = PixelMixBlock(8, **{k: v for k, v in FAMILIES[family][
        'mix_block'].items() if k != 'type'})
    block.train()
    feats = torch.randn(6, 8, 4, 4)
    index = torch.randperm(6)
    opt = torch.optim.Adam(block.parameters(), lr=0.05)
    lam = 0.15
    for _ in range(150):
        mask = block(feats, lam, index, (16, 16))
        opt.zero_grad()
        block.mask_loss(mask, lam).backward()
        opt.step()
    with torch.no_grad():
        mean = float(block(feats, lam, index, (16, 16))[:, 0].mean())
    assert abs(mean - lam) <= 0.1 + 0.02, mean


def test_mask_adjust_and_lam_margin():
    torch.manual_seed(0)
    mask = torch.rand(4, 1, 8, 8).clamp(0.05, 0.95)
    mask = torch.cat([mask, 1 - mask], dim=1)
    adjusted = adjust_mask(mask, 0.3)
    torch.testing.assert_close(adjusted[:, 0].mean(dim=(1, 2)),
                               torch.full((4, ), 0.3))
    torch.testing.assert_close(adjusted.sum(1), torch.ones(4, 8, 8))
    model = build(lam_margin=0.08)
    x, _, _ = batch(n=4, size=16)
    index = torch.randperm(4)
    _, mask_bb = model.mix_masks(x, 0.5, 0.05, index, index)  # lam <= 0.08
    assert bool((mask_bb[:, 0] == 0.05).all())  # plain Mixup
    model.mask_adjust = 1.0
    _, mask_bb = model.mix_masks(x, 0.5, 0.4, index, index)
    torch.testing.assert_close(mask_bb[:, 0].mean(dim=(1, 2)),
                               torch.full((4, ), 0.4))


def test_samix_lam_rescale_and_eta_loss():
    assert rescale_lam(0.0, 0.25) == 0.0
    assert rescale_lam(0.5, 0.25) == pytest.approx(0.5)
    assert rescale_lam(1.0, 0.25) == pytest.approx(1.0)
    logits, ya, yb = torch.randn(5, 7), torch.arange(5), torch.arange(5) + 2
    # the released (softmax) form: eta multiplies zero terms only
    torch.testing.assert_close(
        eta_balanced_mix_loss(logits, ya, yb, 0.3, eta=0.5),
        mixup_cross_entropy(logits, ya, yb, 0.3))
    # the sigmoid form: hand-computed
    target = 0.3 * torch.eye(7)[ya] + 0.7 * torch.eye(7)[yb]
    p = torch.sigmoid(logits)
    bce = -(target * p.log() + (1 - target) * (1 - p).log())
    weight = torch.where(target > 0, 1.0, 0.5)
    torch.testing.assert_close(
        eta_balanced_mix_loss(logits, ya, yb, 0.3, eta=0.5,
                              use_sigmoid=True),
        (weight * bce).sum(1).mean())


# ------------------------------------------------------ gradient routing
@pytest.mark.parametrize('family', ['automix', 'samix'])
def test_each_loss_reaches_only_its_own_parameters(family):
    torch.manual_seed(0)
    np.random.seed(1)
    block = dict(FAMILIES[family]['mix_block'], mask_loss_margin=0.)
    model = build(family, mask_loss=1.0, mix_block=block)
    model.train()
    x, samples, _ = batch(n=6, size=16)
    losses = model.loss(x, samples)
    groups = dict(mix_block=model.mix_block, backbone=model.backbone,
                  head=model.head, head_mix=model.head_mix)
    params = [(g, n, p) for g, mod in groups.items()
              for n, p in mod.named_parameters()]
    assert not any(p.requires_grad for twin in (model.backbone_k,
                                                model.head_mix_k)
                   for p in twin.parameters())
    reaches = dict(loss_mix_block={'mix_block'}, loss_mask={'mix_block'},
                   loss_one={'backbone', 'head'},
                   loss_mix={'backbone', 'head_mix'})
    for key, allowed in reaches.items():
        grads = torch.autograd.grad(losses[key], [p for _, _, p in params],
                                    retain_graph=True, allow_unused=True)
        touched = set()
        for (group, name, _), grad in zip(params, grads):
            if group in allowed:
                continue
            assert grad is None or not grad.any(), f'{key} -> {group}.{name}'
        for (group, name, _), grad in zip(params, grads):
            if grad is not None and grad.any():
                touched.add(group)
        assert touched == allowed, (key, touched)


@pytest.mark.parametrize('family', ['automix', 'samix'])
@pytest.mark.parametrize('free', [(True, False), (False, True),
                                  (True, True)])
@pytest.mark.parametrize('aux', [None, dict(type='BatchCutMix', alpha=1.0)])
def test_freeing_graphs_keeps_every_gradient(family, free, aux):
    """``free_momentum_graph`` and ``free_one_hot_graph`` (both default)
    spend the momentum encoder's and the one-hot pass's graphs at once; the
    losses, every gradient and every buffer after the step's backward
    equal those of OpenMixup's one backward, bit for bit."""
    out = []
    for momentum, one_hot in ((False, False), free):
        torch.manual_seed(0)
        np.random.seed(1)
        model = build(family, free_momentum_graph=momentum,
                      free_one_hot_graph=one_hot, aux_mixer=aux)
        model.train()
        x, samples, _ = batch(n=6, size=16)
        losses = model.loss(x, samples)
        total, _ = model.parse_losses(losses)
        total.backward()
        out.append((losses, {n: p.grad for n, p in model.named_parameters()
                             if p.grad is not None},
                    dict(model.named_buffers())))
    (loss_a, grad_a, buf_a), (loss_b, grad_b, buf_b) = out
    assert grad_a.keys() == grad_b.keys()
    assert any(n.startswith('mix_block.') for n in grad_b)
    assert any(n.startswith('head.') for n in grad_b)
    for name in grad_a:
        assert torch.equal(grad_a[name], grad_b[name]), name
    for key in loss_a:
        assert torch.equal(loss_a[key], loss_b[key]), key
    for name in buf_a:
        assert torch.equal(buf_a[name], buf_b[name]), name


def test_freed_graphs_under_gradient_accumulation_match_bit_for_bit():
    """With ``accumulative_counts=3`` the wrapper's backward divides the
    summed loss by 3: the carried and chained gradients are taken at that
    factor (``loss_scale_of``), so the accumulated ``.grad`` of a
    ``train_step`` equals the one backward's bit for bit."""
    grads = []
    for free in (False, True):
        torch.manual_seed(0)
        np.random.seed(1)
        model = build('samix', free_momentum_graph=free,
                      free_one_hot_graph=free)
        model.train()
        wrapper = OptimWrapper(torch.optim.SGD(
            [p for p in model.parameters() if p.requires_grad], lr=0.1),
            accumulative_counts=3)
        x, samples, _ = batch(n=6, size=16)
        model.train_step(dict(inputs=x, data_samples=samples), wrapper)
        assert model._loss_scale == 1 / 3  # no optimizer step yet
        grads.append({n: p.grad for n, p in model.named_parameters()
                      if p.grad is not None})
    assert grads[0].keys() == grads[1].keys()
    for name in grads[0]:
        assert torch.equal(grads[0][name], grads[1][name]), name


def test_checkpointed_backbone_keeps_the_one_backward():
    """Reentrant checkpointing (``with_cp=True``) refuses
    ``torch.autograd.grad``: such a model falls back to the one backward
    (logged) and trains, with the gradients of the plain backbone."""
    backbone = dict(type='ResNet_CIFAR', depth=18, num_stages=4,
                    out_indices=(3, ), style='pytorch', stem_channels=4,
                    base_channels=4)
    grads = []
    for with_cp in (False, True):
        torch.manual_seed(0)
        np.random.seed(1)
        model = build(backbone=dict(backbone, with_cp=with_cp))
        assert model.free_momentum_graph is (not with_cp)
        assert model.free_one_hot_graph is (not with_cp)
        model.train()
        x, samples, _ = batch(n=6, size=16)
        total, _ = model.parse_losses(model.loss(x, samples))
        total.backward()
        grads.append({n: p.grad for n, p in model.named_parameters()
                      if p.grad is not None})
    assert grads[0].keys() == grads[1].keys()
    for name in grads[0]:
        torch.testing.assert_close(grads[0][name], grads[1][name])


# ------------------------------------------------------ predict and resume
def test_predict_is_the_plain_online_classifier():
    torch.manual_seed(0)
    model = build()
    model.eval()
    x, samples, _ = batch(n=3, size=16)
    out = model.predict(x, copy.deepcopy(samples))
    ref = model.head(model.neck(model.backbone(x)))
    torch.testing.assert_close(torch.stack([o.pred_score for o in out]),
                               ref.softmax(1))
    with torch.no_grad():  # the momentum encoder and Mix Block play no part
        for p in list(model.backbone_k.parameters()) + list(
                model.mix_block.parameters()):
            p.add_(1.0)
    again = model.predict(x, copy.deepcopy(samples))
    assert all(torch.equal(a.pred_score, b.pred_score)
               for a, b in zip(out, again))


@pytest.mark.parametrize('family', ['automix', 'samix'])
def test_state_dict_round_trip_gives_identical_next_step(family):
    torch.manual_seed(0)
    np.random.seed(0)
    model = build(family)
    model.train()
    wrapper = sgd(model)
    x, samples, _ = batch(n=6, size=16)
    data = dict(inputs=x, data_samples=samples)
    model.train_step(data, wrapper)
    state = copy.deepcopy(model.state_dict())
    assert any(k.startswith('backbone_k.') for k in state)
    assert any(k.startswith('mix_block.') for k in state)
    optim_state = copy.deepcopy(wrapper.state_dict())
    torch.manual_seed(1)
    twin = build(family)  # different initial weights
    twin.train()
    twin.load_state_dict(state)
    twin_wrapper = sgd(twin)
    twin_wrapper.load_state_dict(optim_state)
    outs = []
    for m, w in ((model, wrapper), (twin, twin_wrapper)):
        torch.manual_seed(7)
        np.random.seed(7)
        outs.append((m.train_step(data, w), m.state_dict()))
    (logs_a, sd_a), (logs_b, sd_b) = outs
    for key in logs_a:
        assert torch.equal(logs_a[key], logs_b[key]), key
    for key, value in sd_a.items():
        assert torch.equal(value, sd_b[key]), key


def test_a_frozen_pretrained_mix_block_trains_only_the_classifier():
    """SAMix^P's route (``mix_block.frozen=True`` with ``load_from``): the
    loaded block stays as loaded, its own losses carry no gradient, and the
    classifier still trains on its masks."""
    torch.manual_seed(0)
    np.random.seed(0)
    trained = build('samix')
    with torch.no_grad():  # a "pre-trained" block: anything but the init
        for p in trained.mix_block.parameters():
            p.add_(torch.randn_like(p))
    block = dict(SAMIX_BLOCK, frozen=True)
    model = build('samix', mix_block=block, momentum=1.0, momentum_end=None)
    model.load_state_dict(trained.state_dict())  # as load_from does
    model.train()
    assert not any(p.requires_grad for p in model.mix_block.parameters())
    wrapper = sgd(model)
    x, samples, _ = batch(n=6, size=16)
    before = copy.deepcopy(model.state_dict())
    for _ in range(2):
        logs = model.train_step(dict(inputs=x, data_samples=samples),
                                wrapper)
    assert all(torch.isfinite(v) for v in logs.values())
    after = model.state_dict()
    for key, value in before.items():
        if key.startswith(('mix_block.', 'backbone_k.', 'head_mix_k.')) \
                and 'running' not in key and 'num_batches' not in key:
            assert torch.equal(value, after[key]), key  # frozen / m = 1
        if key.startswith(('mix_block.', )):
            assert torch.equal(value, trained.state_dict()[key]), key
    assert not torch.equal(before['backbone.conv1.weight'],
                           after['backbone.conv1.weight'])
    assert not torch.equal(before['head_mix.fc.weight'],
                           after['head_mix.fc.weight'])


# ------------------------------------------------------------ build errors
@MODELS.register_module(force=True)
class FlatStagesForTest(torch.nn.Module):
    """Two stages of flat (N, 32) features: nothing for a Mix Block."""

    def __init__(self, out_indices=(1, )):
        super().__init__()
        self.out_indices = out_indices
        self.fc = torch.nn.Linear(3, 32)

    def forward(self, x):
        flat = self.fc(x.mean(dim=(2, 3)))
        return tuple(flat for _ in self.out_indices)


def _one_line_error(match, **over):
    with pytest.raises(ValueError, match=match) as err:
        build(**over)
    assert '\n' not in str(err.value)


def test_bad_input_is_one_line_at_build():
    _one_line_error('mask_stage=4 but ResNet_CIFAR has 4 stages',
                    mask_stage=4)
    _one_line_error('SUMix is refused',
                    sumix=dict(type='SUMixLoss', gamma=0.5))
    _one_line_error('model.mixer=None',
                    mixer=dict(type='BatchCutMix', alpha=0.2))
    _one_line_error(r'in_channels=7 but stage 2 .* has 16 channels',
                    mix_block=dict(AUTOMIX_BLOCK, in_channels=7))
    head = dict(type='LinearClsHead', num_classes=10, in_channels=32)
    _one_line_error('needs \\(N, C, H, W\\) feature maps',
                    backbone=dict(type='FlatStagesForTest'), mask_stage=0,
                    neck=None, head=head)
    _one_line_error('mask_stage=2 but VisionTransformer has 2 stages',
                    backbone=_vit(), mask_stage=2, neck=None, head=head)
    _one_line_error("mask_loss_decay must be None or 'cosine'",
                    mask_loss_decay='linear')


def _vit(kind='VisionTransformer', layers=2):
    return dict(type=kind, img_size=16, patch_size=4, out_type='cls_token',
                arch=dict(embed_dims=32, num_layers=layers, num_heads=2,
                          feedforward_channels=32))


@pytest.mark.parametrize('kind,stage', [('VisionTransformer', 0),
                                        ('VisionTransformer', 2),
                                        ('DistilledVisionTransformer', 1)])
def test_vit_stage_is_the_layers_patch_tokens_on_the_patch_grid(kind,
                                                                 stage):
    """The Mix Block's input on a ViT: layer ``stage``'s tokens without the
    class (and distillation) token on the 4 x 4 patch grid, i.e.
    mmpretrain's ``out_type='featmap'`` of that layer (after the final norm
    on the last layer, as OpenMixup's ViT); the head still gets the class
    token; one training step works."""
    from sumix_ext.models.classifiers.automix_build import stage_features
    torch.manual_seed(0)
    head = dict(type='LinearClsHead', num_classes=10, in_channels=32,
                loss=dict(type='CrossEntropyLoss'))
    model = build(backbone=_vit(kind, layers=3), mask_stage=stage,
                  neck=None, head=head)
    reference = MODELS.build(dict(_vit(kind, layers=3), out_type='featmap',
                                  out_indices=(stage, )))
    reference.load_state_dict(model.backbone_k.state_dict())
    model.eval(), reference.eval()
    x = torch.randn(3, 3, 16, 16)
    with torch.no_grad():
        maps = stage_features(model, x)
        want = reference(x)[0]
        tokens = model.backbone_k(x)
    assert maps.shape == (3, 32, 4, 4) and torch.equal(maps, want)
    assert model.mix_block.in_channels == 32
    if kind == 'DistilledVisionTransformer':
        return  # its class-token output is a pair for DeiTClsHead
    assert [tuple(t.shape) for t in tokens] == [(3, 32)] * len(tokens)
    model.train()
    x, samples, _ = batch(n=4, size=16)
    log_vars = model.train_step(dict(inputs=x, data_samples=samples),
                                sgd(model))
    assert torch.isfinite(log_vars['loss'])
    assert 0 < float(log_vars['mask_share']) < 1


def test_mask_loss_cosine_decay_multiplies_as_openmixups_hook():
    """``mask_loss_decay='cosine'``: OpenMixup's CustomCosineAnnealingHook
    anneals from the current weight every iteration, so at iteration t of T
    the weight is ``w_{t-1} (1 + cos(pi t / T)) / 2`` from ``w = 0.1``:
    hand-computed for T = 4; the weight is a buffer (in every checkpoint)
    and scales ``loss_mask``."""
    model = build(mask_loss_decay='cosine')
    assert 'mask_loss_weight' in model.state_dict()
    hub = MessageHub.get_instance('test_automix_mask_decay')  # now current
    hub.update_info('max_iters', 4)
    want, got = [0.1, 0.1 * (1 + math.sqrt(0.5)) / 2], []
    want += [want[1] * 0.5, want[1] * 0.5 * (1 - math.sqrt(0.5)) / 2]
    try:
        for it in range(4):
            hub.update_info('iter', it)
            got.append(model._mask_loss_weight())
        assert got == pytest.approx(want, rel=1e-6)
        assert float(model.mask_loss_weight) == pytest.approx(want[-1])
        # loss_mask = the decayed weight x the same regulariser
        torch.manual_seed(0)
        plain = build()
        model.load_state_dict(dict(plain.state_dict(),
                                   mask_loss_weight=torch.tensor(0.1)))
        hub.update_info('iter', 1)
        x, samples, _ = batch()
        found = []
        for m in (plain, model):
            m.train()
            torch.manual_seed(1)
            np.random.seed(1)
            found.append(float(m.loss(x, samples)['loss_mask']))
        assert found[0] > 0
        assert found[1] == pytest.approx(found[0] * want[1] / 0.1, rel=1e-5)
    finally:
        MessageHub._instance_dict.pop('test_automix_mask_decay', None)
    assert build().mask_loss_decay is None
    assert 'mask_loss_weight' not in build().state_dict()


# ---------------------------------------------------- tools/train.py runs
def _tiny_cfg(path, root, family, epochs, extra_text=''):
    extra = copy.deepcopy(FAMILIES[family])
    if 'value_hidden' in extra['mix_block']:
        extra['mix_block']['value_hidden'] = 8
    text = f"""_base_ = [{DEMO!r}]
data_root = {root!r}
train_dataloader = dict(batch_size=16,
    dataset=dict(data_root=data_root, indices=None))
val_dataloader = dict(batch_size=16, dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
model = dict(type='AutoMixClassifier', mixer=None, sumix=None,
    backbone=dict(stem_channels=4, base_channels=4),
    head=dict(in_channels=32), momentum_end=0.999999, **{extra!r})
param_scheduler = [dict(type='CosineAnnealingLR', T_max={epochs}, begin=0,
    end={epochs}, by_epoch=True, eta_min=0., convert_to_iter_based=True)]
train_cfg = dict(max_epochs={epochs}, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=3, deterministic=True)
{extra_text}"""
    with open(path, 'w') as f:
        f.write(text)
    return path


def test_automix_trains_through_tools_train(tmp_path):
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32, n_test=16)
    cfg = _tiny_cfg(str(tmp_path / 'automix.py'), root, 'automix', 1)
    run_tool(['tools/train.py', cfg, '--work-dir', str(tmp_path / 'w')])
    logs = [r for r in json_logs(str(tmp_path / 'w')) if 'loss' in r]
    assert len(logs) == 2 and all(math.isfinite(r['loss']) for r in logs)
    assert {'loss_mix_block', 'loss_one', 'loss_mix', 'mask_share'} <= set(
        logs[0])


def test_samix_resumes_exactly_through_tools_train(tmp_path):
    """kill -9 before the first iteration of epoch 2, then --resume: the
    weights (momentum encoder, Mix Block and its BN statistics included)
    equal those of an uninterrupted run bit for bit (same config, so the
    momentum schedule sees the same max_iters)."""
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=32, n_test=16)
    cfg = _tiny_cfg(str(tmp_path / 'samix.py'), root, 'samix', 2)
    killed = _tiny_cfg(str(tmp_path / 'killed.py'), root, 'samix', 2, (
        "custom_imports = dict(imports=['sumix_ext', "
        "'tests.test_reliability.kill_hook'])\n"
        "custom_hooks = [dict(type='RNGStateHook'), "
        "dict(type='SanityCheckHook'), dict(type='KillAtIterHook', at=3)]"))
    straight, split = str(tmp_path / 'straight'), str(tmp_path / 'split')
    run_tool(['tools/train.py', cfg, '--work-dir', straight])
    proc = run_tool(['tools/train.py', killed, '--work-dir', split],
                    check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert not osp.exists(osp.join(split, 'epoch_2.pth'))
    out = run_tool(['tools/train.py', cfg, '--work-dir', split, '--resume'])
    assert 'resumed epoch: 1' in out.stdout + out.stderr
    a = torch.load(osp.join(straight, 'epoch_2.pth'), map_location='cpu')
    b = torch.load(osp.join(split, 'epoch_2.pth'), map_location='cpu')
    assert a['state_dict'].keys() == b['state_dict'].keys()
    assert any(k.startswith('backbone_k.') for k in a['state_dict'])
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
