import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from tests.conftest import build_tiny_classifier


def batch(n=8, k=10, c=3, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c, size, size, generator=g)
    y = torch.randint(0, k, (n, ), generator=g)
    return x, [DataSample().set_gt_label(int(v)) for v in y]


def test_clean_batch_gives_no_gradient_to_fc_but_to_uncertainty():
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True)
    model.train()
    outputs = []
    original = model.head.forward_sumix

    def record(feats):
        out = original(feats)
        outputs.append(out)
        return out

    model.head.forward_sumix = record
    x, samples = batch(n=4)
    losses = model.loss(x, samples)
    (cls_clean, unc_clean), (cls_mix, unc_mix) = outputs
    grads = torch.autograd.grad(
        losses['loss'], [cls_clean, unc_clean, cls_mix, unc_mix],
        allow_unused=True)
    assert grads[0] is None  # fc gets nothing from the clean batch
    assert grads[1].abs().sum() > 0  # uncertainty branch: clean batch
    assert grads[2].abs().sum() > 0
    assert grads[3].abs().sum() > 0  # uncertainty branch: mixed batch
    # the clean pass ran in train mode (BN uses batch statistics)
    assert model.backbone.training


def test_parameters_receive_gradients():
    torch.manual_seed(1)
    model = build_tiny_classifier(sumix=True)
    x, samples = batch()
    model.loss(x, samples)['loss'].backward()
    assert model.head.fc.weight.grad.abs().sum() > 0
    assert model.head.fc_unc.weight.grad.abs().sum() > 0
    assert model.backbone.conv1.weight.grad.abs().sum() > 0


def test_eval_path_returns_class_logits_only():
    model = build_tiny_classifier(sumix=True).eval()
    x, samples = batch()
    logits = model(x, mode='tensor')
    assert logits.shape == (8, 10)
    feats = model.extract_feat(x)
    assert torch.allclose(logits, model.head.fc(feats[-1]))
    preds = model(x, samples, mode='predict')
    assert preds[0].pred_score.shape == (10, )


@pytest.mark.parametrize('sumix', [True, False])
def test_one_training_iteration(sumix):
    torch.manual_seed(2)
    model = build_tiny_classifier(sumix=sumix)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    x, samples = batch()
    before = model.head.fc.weight.detach().clone()
    log = model.train_step(dict(inputs=x, data_samples=samples), wrapper)
    assert torch.isfinite(log['loss'])
    assert 0 <= log['lam'] <= 1
    if sumix:
        assert {'lam_tilde', 'sumix_reg', 'ce_a', 'ce_b'} <= set(log)
    else:
        assert 'lam_tilde' not in log
    assert not torch.equal(before, model.head.fc.weight)


def test_without_sumix_loss_is_mixup_cross_entropy():
    torch.manual_seed(3)
    model = build_tiny_classifier(sumix=False).eval()  # fixed BN for compare
    x, samples = batch()
    torch.manual_seed(5)
    import numpy as np
    np.random.seed(5)
    losses = model.loss(x, samples)
    torch.manual_seed(5)
    np.random.seed(5)
    mixed = model.mixer(x)
    logits = model(mixed.inputs, mode='tensor')
    y = torch.cat([s.gt_label for s in samples])
    lam = mixed.lam
    expected = lam * torch.nn.functional.cross_entropy(logits, y) + (
        1 - lam) * torch.nn.functional.cross_entropy(logits, y[mixed.index])
    assert torch.allclose(losses['loss'], expected, atol=1e-5)


def test_sumix_with_plain_head_is_rejected():
    with pytest.raises(ValueError, match='SUMixHead'):
        MODELS.build(
            dict(type='MixupClassifier',
                 backbone=dict(type='ResNet_CIFAR', depth=18,
                               base_channels=4, stem_channels=4),
                 neck=dict(type='GlobalAveragePooling'),
                 head=dict(type='LinearClsHead', num_classes=10,
                           in_channels=32),
                 mixer=dict(type='BatchCutMix'),
                 sumix=dict(type='SUMixLoss')))


def test_sumix_without_mixer_is_rejected():
    with pytest.raises(ValueError, match='model.mixer'):
        MODELS.build(
            dict(type='MixupClassifier',
                 backbone=dict(type='ResNet_CIFAR', depth=18,
                               base_channels=4, stem_channels=4),
                 neck=dict(type='GlobalAveragePooling'),
                 head=dict(type='SUMixHead', num_classes=10, in_channels=32),
                 sumix=dict(type='SUMixLoss')))
