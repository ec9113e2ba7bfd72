"""Our mixers in an unmodified mmpretrain ImageClassifier (train_cfg)."""
import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import sumix_ext  # noqa: F401  (registers the mixers)
from sumix_ext.models.mixers import MIXER_NAMES


def stock_classifier(augments):
    return MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=3,
                      stem_channels=4, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=5, in_channels=32,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=5),
        train_cfg=dict(augments=augments)))


def train_step(model):
    from mmengine.optim import OptimWrapper
    np.random.seed(0)
    torch.manual_seed(0)
    data = dict(
        inputs=[torch.randint(0, 255, (3, 16, 16), dtype=torch.uint8)
                for _ in range(6)],
        data_samples=[DataSample().set_gt_label(i % 5) for i in range(6)])
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    before = model.head.fc.weight.detach().clone()
    log = model.train_step(data, wrapper)
    assert torch.isfinite(log['loss'])
    assert not torch.equal(before, model.head.fc.weight)
    return log


def test_no_name_collides_with_mmpretrain_own_augments():
    from mmpretrain.models.utils.batch_augments import CutMix, Mixup, \
        ResizeMix
    from mmpretrain.registry import BATCH_AUGMENTS
    assert BATCH_AUGMENTS.get('Mixup') is Mixup
    assert BATCH_AUGMENTS.get('CutMix') is CutMix
    assert BATCH_AUGMENTS.get('ResizeMix') is ResizeMix
    for name in MIXER_NAMES:
        assert BATCH_AUGMENTS.get(name).__module__.startswith('sumix_ext')


def test_fmix_in_train_cfg_augments_mixes_the_scores():
    model = stock_classifier([dict(type='BatchFMix', alpha=1)])
    train_step(model)
    x = torch.randn(4, 3, 16, 16)
    score = torch.eye(5)[:4]
    batch_aug = model.data_preprocessor.batch_augments
    mixed, mixed_score = batch_aug(x, score)
    assert mixed.shape == x.shape
    assert torch.allclose(mixed_score.sum(1), torch.ones(4))


@pytest.mark.parametrize('name', [n for n in MIXER_NAMES if n != 'BatchFMix'])
def test_every_mixer_trains_a_stock_classifier(name):
    train_step(stock_classifier([dict(type=name)]))


def test_random_batch_augment_with_two_of_ours():
    model = stock_classifier([dict(type='BatchSaliencyMix', alpha=1.0),
                              dict(type='BatchGridMix', alpha=1)])
    from mmpretrain.models.utils.batch_augments import RandomBatchAugment
    assert isinstance(model.data_preprocessor.batch_augments,
                      RandomBatchAugment)
    for _ in range(3):
        train_step(model)
