"""Ratio fidelity: the metric by hand, the gathering on images with known
objects, and the N/sqrt(K) strength of configs."""
import numpy as np
import pytest
import torch

from sumix_ext.evaluation.ratio_fidelity import (best_variant,
                                                 fidelity_metrics,
                                                 gather_ratios,
                                                 object_map_fn, score_ratios,
                                                 sumix_strength)
from tests.conftest import REPO, build_tiny_classifier


def test_metrics_by_hand():
    s = np.array([0.1, 0.4, 0.6, 0.9])
    lam = np.array([0.5, 0.7, 0.5, 0.95])  # |lam - s| > 0.2: samples 0, 1
    x = np.array([0.2, 0.6, 0.3, 0.99])
    m = fidelity_metrics(x, s, lam)
    assert m['mae'] == pytest.approx((0.1 + 0.2 + 0.3 + 0.09) / 4)
    assert m['flip'] == pytest.approx(0.5)  # samples 1 and 2 disagree
    assert m['saturation'] == pytest.approx(0.25)
    assert m['n_hard'] == 2 and m['mae_hard'] == pytest.approx(0.15)
    assert m['corr'] == pytest.approx(np.corrcoef(x, s)[0, 1])
    assert np.isnan(fidelity_metrics(np.full(4, .5), s, lam)['corr'])


def objects_on_black(n=32, size=16, seed=0):
    """Normalised grey images: a bright square at a random place."""
    g = torch.Generator().manual_seed(seed)
    raw = torch.zeros(n, 1, size, size)
    for i in range(n):
        y, x = torch.randint(0, size - 6, (2, ), generator=g).tolist()
        raw[i, :, y:y + 6, x:x + 6] = 200.0
    return (raw - 72.94) / 90.02, torch.randint(0, 10, (n, ), generator=g)


def test_area_lam_is_scored_against_the_pixel_mass_truth():
    x, y = objects_on_black()
    pm = object_map_fn('pixel_mass', [72.94], [90.02])
    r = gather_ratios(x, y, dict(type='BatchCutMix', alpha=1.0), 8, pm)
    assert set(r) == {'s', 'lam'} and r['s'].shape == (32, )
    # the oracle's ratio is the truth itself: perfect scores
    scores = score_ratios(dict(r, oracle=r['s'].copy()))
    assert scores['oracle']['mae'] == 0 and scores['oracle']['flip'] == 0
    assert scores['lam']['mae'] > 0  # the area is not the object share
    with pytest.raises(ValueError, match='no batch'):
        gather_ratios(x[:4], y[:4], dict(type='BatchCutMix'), 8, pm)


def test_every_ratio_form_is_gathered_with_a_model():
    x, y = objects_on_black(n=24)
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True, in_channels=1).eval()
    pm = object_map_fn('pixel_mass', [72.94], [90.02])
    r = gather_ratios(x, y, dict(type='BatchFMix', alpha=1.0), 8, pm, model)
    for name in ('official', 'retention eta=1', 'cam blend=0',
                 'saliency blend=0', 'scaled-paper tau=1'):
        assert r[name].shape == (24, )
        assert ((r[name] >= 0) & (r[name] <= 1)).all()
        means = r[f'{name} [batch mean]'].reshape(3, 8)
        assert np.allclose(means, means[:, :1])  # one value per batch
        assert np.allclose(means[:, 0], r[name].reshape(3, 8).mean(1),
                           atol=1e-6)
    scores = score_ratios(r)
    assert best_variant(scores, 'cam') in ('cam blend=0', 'cam blend=0.25',
                                           'cam blend=0.5')
    # the same seed gives the same draws
    r2 = gather_ratios(x, y, dict(type='BatchFMix', alpha=1.0), 8, pm, model)
    assert np.array_equal(r['official'], r2['official'])


def test_saliency_and_custom_truth():
    x, _ = objects_on_black(n=2)
    sal = object_map_fn('saliency', [0], [1])(x)
    assert sal.shape == (2, 1, 16, 16) and sal.min() >= 0
    f = object_map_fn('torch:ones_like', [0], [1])
    assert torch.equal(f(x), torch.ones_like(x))
    with pytest.raises(ValueError, match='pixel_mass'):
        object_map_fn('mass', [0], [1])


def test_strength_of_the_demo_config():
    row = sumix_strength(f'{REPO}/configs/fashion_mnist/'
                         'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')
    assert (row['batch'], row['classes']) == (64, 10) and row['sumix']
    assert row['strength'] == pytest.approx(64 / 10**0.5)


def test_truth_as_the_samples_own_masks_follows_the_images():
    """A tensor of object masks is indexed with the images it belongs to:
    the pixel mass given as masks scores exactly as the pixel-mass map."""
    x, y = objects_on_black()
    pm = object_map_fn('pixel_mass', [72.94], [90.02])
    by_fn = gather_ratios(x, y, dict(type='BatchCutMix', alpha=1.0), 8, pm)
    by_mask = gather_ratios(x, y, dict(type='BatchCutMix', alpha=1.0), 8,
                            pm(x))
    assert np.array_equal(by_fn['s'], by_mask['s'])
    shuffled = gather_ratios(x, y, dict(type='BatchCutMix', alpha=1.0), 8,
                             pm(x).flip(0))
    assert not np.array_equal(by_fn['s'], shuffled['s'])


def test_fidelity_tool_scores_against_the_clutter_object_masks(tmp_path):
    import json

    from sumix_ext.commands import ratio_fidelity
    from tests.conftest import make_fashion_mnist
    root = make_fashion_mnist(str(tmp_path / 'data'), n_train=40, n_test=40)
    out = tmp_path / 'fid'
    scores = ratio_fidelity.main([
        f'{REPO}/configs/fashion_mnist/study/'
        'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py',
        '--truth', 'sample', '--mixers', 'CutMix', '--batch-sizes', '8',
        '--num-images', '32', '--out-dir', str(out), '--cfg-options',
        f'val_dataloader.dataset.data_root={root}',
        'val_dataloader.dataset.index_range=None'])
    lam = scores['CutMix | batch 8 | area lam']['lam']
    assert lam['n'] == 32 and 0 < lam['mae'] < 1
    assert json.loads((out / 'ratio_fidelity.json').read_text())


def test_snapmix_labels_are_scored_with_a_model():
    x, y = objects_on_black(n=16)
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True, in_channels=1).eval()
    pm = object_map_fn('pixel_mass', [72.94], [90.02])
    r = gather_ratios(x, y, dict(type='BatchSnapMix', alpha=1.0), 8, pm,
                      model, variants={'official': dict(ratio='official')})
    share = r['snapmix rho_a / (rho_a + rho_b)']
    assert share.shape == (16, ) and ((share >= 0) & (share <= 1)).all()
    assert r['snapmix rho_a'].shape == (16, )
    scores = score_ratios(r)
    assert 0 <= scores['snapmix rho_a / (rho_a + rho_b)']['mae'] <= 1


def test_transmix_labels_are_scored_with_a_vit():
    """TransMix's shares come from the ViT's attention on the mixed batch:
    the authors' form is the mean of the area and the attention-only form
    (checked sample by sample), all in [0, 1]."""
    from tests.test_models.test_mixers.test_transmix import tiny_vit
    x, y = objects_on_black(n=16, size=16)
    torch.manual_seed(0)
    model = tiny_vit(dict(type='BatchCutMix'),
                     sumix=dict(type='SUMixLoss')).eval()
    pm = object_map_fn('pixel_mass', [72.94], [90.02])
    r = gather_ratios(x, y % 4, dict(type='BatchTransMix', mixup_alpha=0.0,
                                 cutmix_alpha=1.0), 8, pm, model,
                      variants={'official': dict(ratio='official')})
    both, attn = r['transmix'], r['transmix attention only']
    assert both.shape == attn.shape == (16, )
    np.testing.assert_allclose(both, (r['lam'] + attn) / 2, atol=1e-6)
    assert ((attn >= 0) & (attn <= 1)).all()
    assert not np.allclose(attn, r['lam'])  # attention is not the area


def test_summary_names_missing_forms_na_and_drops_rows_with_none():
    from sumix_ext.evaluation.ratio_fidelity import summary_table
    m = dict(mae=0.1, corr=0.5, flip=0.1, saturation=0.0, mae_hard=0.2,
             n_hard=3)
    scores = {'TransMix | batch 8 | ck': dict(lam=m, transmix=m, official=m),
              'CutMix | batch 8 | ck': dict(lam=m, official=m),
              'CutMix | batch 8 | area lam': dict(lam=m)}
    lines = summary_table(scores, ['transmix', 'official']).splitlines()
    assert len(lines) == 4  # header, rule, two rows
    assert lines[3].startswith('| CutMix, batch 8, ck | ') and \
        '| n/a |' in lines[3]
