import pytest
import torch

from sumix_ext.evaluation import reliability_bins


def naive_ece(probs, labels, n_bins):
    conf, pred = probs.max(1)
    ece = 0.0
    for m in range(n_bins):
        lo, hi = m / n_bins, (m + 1) / n_bins
        sel = [(lo < c <= hi) or (m == 0 and c == 0) for c in conf.tolist()]
        sel = torch.tensor(sel)
        if sel.any():
            acc = (pred[sel] == labels[sel]).double().mean()
            gap = (acc - conf[sel].double().mean()).abs()
            ece += sel.double().mean() * gap
    return float(ece)


def test_hand_computed_ece_and_bins():
    # confidences 0.85 (right), 0.85 (wrong), 0.65 (right), 0.35 (wrong)
    probs = torch.tensor([[0.85, 0.15, 0.0], [0.85, 0.15, 0.0],
                          [0.2, 0.65, 0.15], [0.35, 0.33, 0.32]])
    labels = torch.tensor([0, 1, 1, 2])
    bins = reliability_bins(probs, labels, n_bins=10)
    # |B|/n * |acc - conf|: 0.5*|0.5-0.85| + 0.25*|1-0.65| + 0.25*|0-0.35|
    assert bins.ece == pytest.approx(0.175 + 0.0875 + 0.0875)
    assert bins.count.tolist() == [0, 0, 0, 1, 0, 0, 1, 0, 2, 0]
    assert bins.accuracy[8].item() == pytest.approx(0.5)
    assert bins.confidence[8].item() == pytest.approx(0.85)
    assert bins.edges[0] == 0 and bins.edges[-1] == 1 and len(bins.edges) == 11


def test_perfect_confidence_is_calibrated_and_lands_in_last_bin():
    probs = torch.eye(4)
    bins = reliability_bins(probs, torch.arange(4), n_bins=15)
    assert bins.ece == 0.0
    assert bins.count[-1] == 4 and bins.count.sum() == 4


def test_matches_naive_loop_on_random_predictions():
    gen = torch.Generator().manual_seed(0)
    probs = torch.randn(500, 10, generator=gen).mul(3).softmax(1)
    labels = torch.randint(0, 10, (500, ), generator=gen)
    for n_bins in (1, 7, 15):
        bins = reliability_bins(probs, labels, n_bins)
        assert bins.ece == pytest.approx(naive_ece(probs, labels, n_bins),
                                         abs=1e-9)
        assert bins.count.sum() == 500


def test_bad_inputs_name_the_problem():
    with pytest.raises(ValueError, match='probs must be'):
        reliability_bins(torch.rand(4, 3), torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match='no predictions'):
        reliability_bins(torch.rand(0, 3), torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match='n_bins'):
        reliability_bins(torch.eye(2), torch.arange(2), n_bins=0)


def test_ece_metric_matches_reliability_bins():
    import torch
    from mmpretrain.registry import METRICS

    from sumix_ext.evaluation import reliability_bins
    g = torch.Generator().manual_seed(0)
    probs = torch.softmax(torch.randn(50, 4, generator=g) * 3, 1)
    labels = torch.randint(0, 4, (50, ), generator=g)
    metric = METRICS.build(dict(type='ECE', num_bins=10))
    metric.process(None, [dict(pred_score=p, gt_label=torch.tensor([y]))
                          for p, y in zip(probs, labels)])
    out = metric.compute_metrics(metric.results)
    expect = 100 * reliability_bins(probs, labels, 10).ece
    assert abs(out['ece'] - expect) < 1e-9
    import pytest
    with pytest.raises(ValueError, match='num_bins'):
        METRICS.build(dict(type='ECE', num_bins=0))
