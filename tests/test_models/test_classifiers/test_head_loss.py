"""model.head.loss is honoured with a mixer (soft mixed targets through the
head's loss module); SUMix refuses a loss it would ignore."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from sumix_ext.models.losses import mixup_cross_entropy
from tests.test_models.test_classifiers.test_mixup_classifier import batch


def build(loss, sumix=None):
    return MODELS.build(dict(
        type='MixupClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                      base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='SUMixHead', num_classes=10, in_channels=32,
                  loss=loss),
        mixer=dict(type='BatchCutMix', alpha=1.0), sumix=sumix))


def _loss_and_draws(model, x, samples):
    np.random.seed(1)
    torch.manual_seed(1)
    loss = model.loss(x, samples)['loss']
    np.random.seed(1)
    torch.manual_seed(1)
    mixed = model.mixer(x)
    logits = model.head(model.extract_feat(mixed.inputs))
    return loss, mixed, logits


def test_label_smoothing_is_applied_to_the_mixed_targets():
    torch.manual_seed(0)
    model = build(dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                       mode='original')).train()
    x, samples = batch(n=6)
    y = torch.cat([s.gt_label for s in samples])
    loss, mixed, logits = _loss_and_draws(model, x, samples)
    lam = mixed.lam
    soft = lam * F.one_hot(y, 10).float() + (1 - lam) * F.one_hot(
        y[mixed.index], 10).float()
    smooth = soft * 0.9 + 0.1 / 10
    expect = -(smooth * F.log_softmax(logits, 1)).sum(1).mean()
    assert torch.allclose(loss, expect, atol=1e-5)
    plain = mixup_cross_entropy(logits, y, y[mixed.index], lam)
    assert not torch.allclose(loss, plain, atol=1e-4)  # smoothing matters


def test_default_cross_entropy_keeps_the_mixup_ce():
    torch.manual_seed(0)
    model = build(dict(type='CrossEntropyLoss', loss_weight=1.0)).train()
    x, samples = batch(n=6)
    y = torch.cat([s.gt_label for s in samples])
    loss, mixed, logits = _loss_and_draws(model, x, samples)
    assert torch.allclose(loss, mixup_cross_entropy(
        logits, y, y[mixed.index], mixed.lam), atol=1e-6)


def test_sumix_refuses_a_head_loss_it_would_ignore():
    with pytest.raises(ValueError, match='LabelSmoothLoss'):
        build(dict(type='LabelSmoothLoss', label_smooth_val=0.1),
              sumix=dict(type='SUMixLoss'))
