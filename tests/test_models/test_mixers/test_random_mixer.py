import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import (BatchFMix, BatchMixup, MixOutput,
                                     RandomMixer, build_mixer)

from .utils import labelled_batch


def test_chooses_mixers_and_no_mix_with_the_given_probabilities():
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = build_mixer(dict(type='RandomMixer', mixers=[
        dict(type='BatchMixup', alpha=1),
        dict(type='BatchGridMix')], probs=[0.5, 0.2]))
    assert isinstance(mixer.mixers[0], BatchMixup)
    picks = np.array([-1 if (j := mixer.choose()) is None else j
                      for _ in range(4000)])
    # binomial std at n=4000 is <= 0.008: 4 sigma = 0.032
    assert abs((picks == 0).mean() - 0.5) < 0.032
    assert abs((picks == 1).mean() - 0.2) < 0.032
    assert abs((picks == -1).mean() - 0.3) < 0.032


def test_probs_none_is_uniform_without_no_mix():
    np.random.seed(1)
    mixer = RandomMixer([dict(type='BatchMixup'), dict(type='BatchFMix')])
    assert mixer.probs == [0.5, 0.5] and mixer.no_mix_prob == 0.0
    picks = [mixer.choose() for _ in range(200)]
    assert None not in picks and set(picks) == {0, 1}


def test_no_mix_returns_the_batch_unchanged_in_both_interfaces():
    mixer = RandomMixer([dict(type='BatchMixup')], probs=[0.0])
    x = labelled_batch(4, size=8)
    out = mixer(x)
    assert isinstance(out, MixOutput)
    assert torch.equal(out.inputs, x) and out.lam == 1.0
    assert torch.equal(out.index, torch.arange(4))
    score = torch.eye(4)
    mixed, mixed_score = mixer(x, score)
    assert torch.equal(mixed, x) and torch.equal(mixed_score, score)


def test_delegates_to_the_chosen_mixer_in_both_interfaces():
    np.random.seed(2)
    torch.manual_seed(2)
    mixer = RandomMixer([BatchFMix(alpha=1.0, avoid_self_pair=True)],
                        probs=[1.0])
    x = labelled_batch(4, size=16)
    out = mixer(x)
    assert 0 < out.lam < 1 and not torch.equal(out.inputs, x)
    mixed, mixed_score = mixer(x, torch.eye(4))
    assert torch.allclose(mixed_score.sum(1), torch.ones(4))
    assert (mixed_score.diag() < 1).all()


@pytest.mark.parametrize('kwargs,match', [
    (dict(mixers=[]), 'non-empty list'),
    (dict(mixers=dict(type='BatchMixup')), 'non-empty list'),
    (dict(mixers=[dict(type='BatchMixup')], probs=[0.5, 0.5]),
     '2 probs for 1 mixers'),
    (dict(mixers=[dict(type='BatchMixup')], probs=[-0.1]), '>= 0'),
    (dict(mixers=[dict(type='BatchMixup'), dict(type='BatchFMix')],
          probs=[0.7, 0.6]), 'sum to 1.3 > 1'),
])
def test_bad_configs_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RandomMixer(**kwargs)


def test_unknown_child_mixer_names_the_known_ones():
    with pytest.raises(KeyError, match='BatchSmoothMix'):
        RandomMixer([dict(type='BatchSmoothMx')])
