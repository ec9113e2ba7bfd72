"""Every SUMix ratio form trains through MixupClassifier with every kind of
mixer it supports; the CAM form gets its share from the clean pass."""
import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS

from sumix_ext.models.losses.sumix_ratios import cam_share
from tests.conftest import build_tiny_classifier
from tests.test_models.test_classifiers.test_mixup_classifier import batch

RATIOS = [
    dict(ratio='official'),
    dict(ratio='scaled', tau=2.0, direction='paper'),
    dict(ratio='retention', eta=0.5),
    dict(ratio='cam', blend=0.25),
    dict(ratio='saliency'),
    dict(ratio='official', reg_scale=1.0, gamma=0.0),
]
MIXERS = [
    dict(type='BatchCutMix', alpha=1.0),
    dict(type='BatchFMix', alpha=1.0),
    dict(type='BatchResizeMix'),
    dict(type='BatchSmoothMix', alpha=1.0),
    dict(type='RandomMixer', mixers=[dict(type='BatchCutMix')], probs=[0.5]),
]


def build(ratio_kwargs, mixer):
    model = build_tiny_classifier(sumix=False, mixer=mixer)
    model.sumix = MODELS.build(dict(type='SUMixLoss', **ratio_kwargs))
    return model


@pytest.mark.parametrize('ratio', RATIOS, ids=lambda r: str(r))
@pytest.mark.parametrize('mixer', MIXERS, ids=lambda m: m['type'])
def test_every_ratio_trains_with_every_mask_mixer(ratio, mixer):
    torch.manual_seed(0)
    np.random.seed(0)
    model = build(ratio, mixer).train()
    x, samples = batch(n=6)
    for _ in range(2):  # RandomMixer: a mixed and possibly a 'no mix' batch
        losses = model.loss(x, samples)
        assert torch.isfinite(losses['loss'])
        assert 0 <= losses['lam_flip'] <= 1 and losses['lam_shift'] >= 0
        losses['loss'].backward()
    assert model.head.fc.weight.grad.abs().sum() > 0


def test_cam_share_comes_from_the_clean_feature_maps():
    torch.manual_seed(1)
    np.random.seed(1)
    model = build(dict(ratio='cam'), dict(type='BatchCutMix', alpha=1.0))
    model.train()
    x, samples = batch(n=6)
    y = torch.cat([s.gt_label for s in samples])
    np.random.seed(5)
    torch.manual_seed(5)
    mixed = model.mixer(x)
    out = model.sumix_forward(x, mixed, y)
    # the same share from the backbone maps by hand (BN in train mode
    # gives the same maps for the same batch)
    maps = model.backbone(x)[-1]
    expect = cam_share(maps, model.head.fc.weight, y, mixed)
    assert torch.allclose(out['shares']['cam'], expect, atol=1e-5)
    t = model.sumix.terms(out['cls_clean'], out['cls_mix'],
                          out['unc_clean'], out['unc_mix'], y, mixed.lam,
                          mixed.index, out['shares']['cam'])
    assert torch.allclose(t.lam_tilde, expect, atol=1e-5)
    assert build(dict(ratio='official'), dict(type='BatchCutMix')
                 ).sumix_forward(x, mixed, y)['shares'] == {}


def test_cam_ratio_with_mixup_is_refused_up_front():
    with pytest.raises(ValueError, match="ratio='retention'"):
        build_tiny_classifier(sumix=False, mixer=dict(type='BatchMixup'))
        MODELS.build(dict(
            type='MixupClassifier',
            backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                          base_channels=4),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='SUMixHead', num_classes=10, in_channels=32),
            mixer=dict(type='BatchMixup'),
            sumix=dict(type='SUMixLoss', ratio='cam')))
