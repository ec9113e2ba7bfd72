"""One backbone pass where no model is needed: SUMix with the model-free
saliency share and no regulariser (``ratio='saliency'``, ``gamma=0``)."""
import copy

import numpy as np
import pytest
import torch

from sumix_ext.models.losses import SUMixLoss, sumix_terms
from tests.conftest import build_tiny_classifier
from tests.test_models.test_classifiers.test_fast_sumix import batch

SALIENCY0 = dict(type='SUMixLoss', ratio='saliency', gamma=0.0,
                 lam_reduction='sample')


def count_backbone_passes(model):
    calls = []
    model.backbone.register_forward_hook(lambda *a: calls.append(1) and None)
    return calls


def seeded_loss(model, x, samples, seed=3):
    np.random.seed(seed)
    torch.manual_seed(seed)
    return model.loss(x, samples)


@pytest.mark.parametrize('sumix,passes', [
    (SALIENCY0, 1),
    (dict(SALIENCY0, gamma=0.5), 2),  # the regulariser needs u_a
    (dict(type='SUMixLoss'), 2),  # official: bit-exact two-pass default
    (dict(type='SUMixLoss', ratio='cam', gamma=0.0), 2),  # CAM of x
])
def test_backbone_passes_per_step(sumix, passes):
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=sumix).train()
    calls = count_backbone_passes(model)
    x, samples = batch()
    seeded_loss(model, x, samples)['loss'].backward()
    assert len(calls) == passes
    assert SUMixLoss(**{k: v for k, v in sumix.items() if k != 'type'}
                     ).needs_clean_pass == (passes == 2)


def test_one_pass_gives_the_two_pass_loss_and_gradients():
    torch.manual_seed(0)
    one = build_tiny_classifier(sumix=SALIENCY0).train()
    two = copy.deepcopy(one)
    two.head.fc_unc.requires_grad_(True)  # as a two-pass model trains it
    x, samples = batch()
    np.random.seed(3)
    torch.manual_seed(3)
    mixed = two.mixer(x)
    target = torch.tensor([s.gt_label.item() for s in samples])
    fwd = two.sumix_forward(x, mixed, target, clean=True)
    assert fwd['cls_clean'] is not None
    ref = sumix_terms(fwd['cls_clean'], fwd['cls_mix'], fwd['unc_clean'],
                      fwd['unc_mix'], target, mixed.lam, mixed.index,
                      gamma=0.0, lam_reduction='sample', ratio='saliency',
                      share=fwd['shares']['saliency'])
    ref.loss.backward()
    out = seeded_loss(one, x, samples)
    out['loss'].backward()
    torch.testing.assert_close(out['loss'], ref.loss)
    assert 'sumix_reg' not in out  # not computed, so not logged
    for (name, p1), (_, p2) in zip(one.named_parameters(),
                                   two.named_parameters()):
        if name.startswith('head.fc_unc'):
            # gamma=0: the branch gets exactly zero in the two-pass form; in
            # the one-pass form it is frozen (DDP rejects unused params)
            assert not p1.requires_grad and p1.grad is None, name
            assert not p2.grad.any(), name
        else:
            torch.testing.assert_close(p1.grad, p2.grad, msg=name)


def test_terms_without_clean_logits_only_where_nothing_needs_them():
    logits = torch.randn(4, 10)
    target, index = torch.arange(4), torch.tensor([1, 0, 3, 2])
    share = torch.rand(4)
    t = sumix_terms(None, logits, None, torch.randn(4, 10), target, 0.5,
                    index, gamma=0.0, ratio='saliency', share=share,
                    lam_reduction='sample')
    assert t.reg is None and torch.allclose(t.lam_tilde, share)
    with pytest.raises(ValueError, match="ratio='saliency' and gamma=0"):
        sumix_terms(None, logits, None, logits, target, 0.5, index,
                    gamma=0.5, ratio='saliency', share=share)
    with pytest.raises(ValueError, match="ratio='saliency' and gamma=0"):
        sumix_terms(None, logits, None, logits, target, 0.5, index,
                    gamma=0.0, ratio='official')
