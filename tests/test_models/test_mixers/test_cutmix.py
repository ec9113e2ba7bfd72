import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import BatchCutMix, build_mixer


def labelled_batch(n, c=3, size=32, dtype=torch.float32):
    """Sample i is the constant image i+1, so every pixel tells its source."""
    values = torch.arange(1, n + 1, dtype=torch.float32)
    return values.view(n, 1, 1, 1).expand(n, c, size, size).to(dtype)


def share_from_a(x, mixed):
    return (mixed.float() == x.float()).float().mean(dim=(1, 2, 3))


def test_lam_is_exact_share_of_x_a():
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = BatchCutMix(alpha=1.0, avoid_self_pair=True)
    x = labelled_batch(8)
    for _ in range(200):
        out = mixer(x)
        measured = share_from_a(x, out.inputs)
        assert torch.allclose(measured, torch.full((8, ), out.lam),
                              atol=1 / 32**2)


def test_stock_mmpretrain_interface_mixes_scores():
    np.random.seed(1)
    x = labelled_batch(6)
    score = torch.eye(6)
    mixed, mixed_score = BatchCutMix(alpha=1.0)(x, score)
    assert mixed.shape == x.shape
    assert torch.allclose(mixed_score.sum(1), torch.ones(6))


def test_integer_alpha_and_bad_alpha():
    assert BatchCutMix(alpha=1).alpha == 1.0
    for bad in (0, -1.0, float('nan')):
        with pytest.raises(ValueError, match='alpha'):
            BatchCutMix(alpha=bad)
    with pytest.raises(TypeError, match='alpha'):
        BatchCutMix(alpha='0.2')


def test_batch_of_one_is_rejected():
    with pytest.raises(ValueError, match='no partner'):
        BatchCutMix()(torch.zeros(1, 3, 8, 8))


def test_unknown_mixer_lists_known_ones():
    with pytest.raises(KeyError, match='BatchCutMix'):
        build_mixer(dict(type='BatchCutMx'))
