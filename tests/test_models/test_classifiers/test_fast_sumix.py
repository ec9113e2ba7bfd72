"""Fast SUMix (``MixupClassifier(clean_pass='no_grad')``) vs faithful SUMix."""
import copy
import warnings

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from sumix_ext.models.losses import SUMixLoss, sumix_loss
from tests.conftest import build_tiny_classifier


def batch(n=4, k=10, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, size, size, generator=g)
    y = torch.arange(n) % k
    return x, [DataSample().set_gt_label(int(v)) for v in y]


def twin_models():
    """Identical faithful and fast models (same weights, same BN state)."""
    torch.manual_seed(0)
    full = build_tiny_classifier(sumix=True).train()
    fast = copy.deepcopy(full)
    fast.clean_pass = 'no_grad'
    assert full.clean_pass == 'full'
    return full, fast


def loss_with_seed(model, x, samples, seed=3):
    np.random.seed(seed)  # the mixer's lam
    torch.manual_seed(seed)  # the mixer's permutation
    return model.loss(x, samples)


def test_same_loss_values_and_bn_running_stats():
    full, fast = twin_models()
    x, samples = batch()
    bn_before = full.backbone.bn1.running_mean.clone()
    out_full = loss_with_seed(full, x, samples)
    out_fast = loss_with_seed(fast, x, samples)
    assert set(out_full) == set(out_fast)
    for key in out_full:
        torch.testing.assert_close(out_fast[key], out_full[key], msg=key)
    # both clean passes run in train mode and update BN running stats alike
    assert not torch.equal(fast.backbone.bn1.running_mean, bn_before)
    for (name, b_full), (_, b_fast) in zip(full.named_buffers(),
                                           fast.named_buffers()):
        torch.testing.assert_close(b_fast, b_full, msg=name)


def test_clean_pass_has_no_graph_and_mixed_pass_has_one():
    _, fast = twin_models()
    grad_flags = []
    fast.backbone.register_forward_hook(
        lambda m, i, o: grad_flags.append(o[-1].requires_grad) and None)
    x, samples = batch()
    loss_with_seed(fast, x, samples)['loss'].backward()
    assert grad_flags == [False, True]  # clean (no_grad), then mixed
    assert fast.backbone.conv1.weight.grad.abs().sum() > 0
    assert fast.head.fc_unc.weight.grad.abs().sum() > 0


def test_gradients_equal_faithful_with_clean_uncertainty_detached():
    """Fast = faithful minus the gradient that flows through ``u_a``."""
    full, fast = twin_models()
    x, samples = batch()
    loss_with_seed(fast, x, samples)['loss'].backward()

    # faithful forward, with u_a detached by hand
    np.random.seed(3)
    torch.manual_seed(3)
    target = torch.cat([s.gt_label for s in samples])
    mixed = full.mixer(x)
    cls_a, unc_a = full.head.forward_sumix(full.extract_feat(x))
    cls_m, unc_m = full.head.forward_sumix(full.extract_feat(mixed.inputs))
    ref, _ = sumix_loss(cls_a, cls_m, unc_a.detach(), unc_m, target,
                        mixed.lam, mixed.index)
    ref_grads = torch.autograd.grad(ref, list(full.parameters()),
                                    allow_unused=True)
    for (name, p), g in zip(fast.named_parameters(), ref_grads):
        if g is None:
            assert p.grad is None or not p.grad.any(), name
        else:
            torch.testing.assert_close(p.grad, g, msg=name)

    # and faithful really does send gradient through the clean batch
    full.zero_grad()
    loss_with_seed(full, x, samples)['loss'].backward()
    diff = (full.backbone.conv1.weight.grad -
            fast.backbone.conv1.weight.grad).abs().max()
    assert diff > 1e-6


def test_fast_variant_trains():
    torch.manual_seed(0)
    model = build_tiny_classifier(
        sumix=True, mixer=dict(type='BatchCutMix', alpha=0.2)).train()
    model.clean_pass = 'no_grad'
    wrapper = OptimWrapper(
        torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9))
    # learnable: the class sets which rows are bright
    n = 16
    y = torch.arange(n) % 4
    x = torch.randn(n, 3, 16, 16) * 0.1
    for c in range(4):
        x[y == c, :, 4 * c:4 * c + 4, :] += 2.0
    data = dict(inputs=x,
                data_samples=[DataSample().set_gt_label(int(v)) for v in y])
    np.random.seed(0)
    losses = [model.train_step(data, wrapper)['loss'].item()
              for _ in range(25)]
    assert np.mean(losses[-5:]) < 0.7 * np.mean(losses[:5])


def test_config_switch_and_error_message():
    assert build_tiny_classifier(sumix=True).clean_pass == 'full'
    model = build_tiny_classifier(sumix=True, clean_pass='no_grad')
    assert model.clean_pass == 'no_grad'
    with pytest.raises(ValueError, match="'full' = faithful"):
        build_tiny_classifier(sumix=True, clean_pass='nograd')
    # the loss does not own the switch: a direct argument names the fix
    with pytest.raises(ValueError, match='MixupClassifier\\(clean_pass'):
        SUMixLoss(clean_pass='no_grad')


def test_legacy_sumix_clean_pass_moves_to_the_classifier():
    legacy = dict(type='SUMixLoss', gamma=0.5, clean_pass='no_grad')
    with pytest.warns(FutureWarning, match='model.clean_pass'):
        model = build_tiny_classifier(sumix=legacy)
    assert model.clean_pass == 'no_grad'
    assert not hasattr(model.sumix, 'clean_pass')
    assert legacy['clean_pass'] == 'no_grad'  # the config is not mutated
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        with pytest.raises(ValueError, match='disagree'):
            build_tiny_classifier(sumix=legacy, clean_pass='full')
