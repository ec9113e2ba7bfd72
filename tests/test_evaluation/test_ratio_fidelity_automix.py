"""The ratio fidelity of AutoMix/SAMix's learned mask: the checkpoint's own
Mix Block mixes as the classifier's branch does, its label is the drawn lam
of each batch, ``lam`` the exact area share of the soft mask."""
import numpy as np
import pytest
import torch

from sumix_ext.evaluation.label_rule_fidelity import LEARNED_LABEL
from sumix_ext.evaluation.ratio_fidelity import (FIDELITY_MIXERS,
                                                 gather_ratios,
                                                 object_map_fn, score_ratios)
from sumix_ext.models.classifiers.automix_mix import learned_mix
from sumix_ext.models.mixers import semantic_share
from tests.conftest import build_tiny_classifier
from tests.test_models.test_classifiers.test_automix import build
from .test_ratio_fidelity import objects_on_black

PM = object_map_fn('pixel_mass', [72.94], [90.02])


def grey_automix():
    torch.manual_seed(0)
    return build(backbone=dict(type='ResNet_CIFAR', depth=18, num_stages=4,
                               out_indices=(3, ), style='pytorch',
                               in_channels=1, stem_channels=4,
                               base_channels=4)).eval()


def test_the_learned_mask_is_scored_with_its_drawn_label():
    x, y = objects_on_black(n=24)
    model = grey_automix()
    r = gather_ratios(x, y, FIDELITY_MIXERS['AutoMix'], 8, PM, model,
                      seed=5)
    assert set(r) == {'s', 'lam', LEARNED_LABEL}
    label = r[LEARNED_LABEL].reshape(3, 8)
    # one drawn lam per batch: the seed's Beta(alpha, alpha) draws
    draws = np.random.RandomState(5).beta(2.0, 2.0, 3)
    np.testing.assert_allclose(label, np.repeat(draws[:, None], 8, 1),
                               rtol=1e-6)
    # lam and s of the first batch, by hand from the same mix
    torch.manual_seed(5)
    np.random.seed(5)
    order = torch.randperm(24, generator=torch.Generator().manual_seed(5))
    xb = x[order[:8]]
    mixed, lam = learned_mix(model, xb)
    assert lam == pytest.approx(draws[0])
    np.testing.assert_allclose(r['lam'][:8], mixed.lam.numpy(), rtol=1e-6)
    np.testing.assert_allclose(r['s'][:8],
                               semantic_share(mixed, PM(xb)).numpy(),
                               rtol=1e-5)
    scores = score_ratios(r)
    assert 0 <= scores[LEARNED_LABEL]['mae'] <= 1


def test_the_learned_mask_needs_an_automix_checkpoint():
    x, y = objects_on_black(n=8)
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True, in_channels=1).eval()
    with pytest.raises(ValueError, match='give AutoMix/SAMix checkpoints'):
        gather_ratios(x, y, FIDELITY_MIXERS['AutoMix'], 8, PM, model)


def test_other_mixers_with_an_automix_checkpoint_score_the_area_only():
    x, y = objects_on_black(n=16)
    r = gather_ratios(x, y, dict(type='BatchCutMix', alpha=1.0), 8, PM,
                      grey_automix())
    assert set(r) == {'s', 'lam'}  # no SUMix head: no ratio forms
