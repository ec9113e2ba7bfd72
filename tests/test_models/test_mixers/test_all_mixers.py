"""Contract tests run on every mixer of the library."""
import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import (MIXER_NAMES, BaseMixer, MixOutput,
                                     build_mixer)

from .utils import labelled_batch, lam_vector, measured_share

DEFAULT_ALPHA = dict(BatchMixup=1.0, BatchCutMix=0.2, BatchSaliencyMix=0.2,
                     BatchFMix=0.2, BatchResizeMix=1.0, BatchGridMix=1.0,
                     BatchSmoothMix=0.2)
SOFT = ('BatchMixup', 'BatchSmoothMix')


def test_every_documented_mixer_is_registered_with_its_default_alpha():
    assert set(MIXER_NAMES) == set(DEFAULT_ALPHA)
    for name in MIXER_NAMES:
        mixer = build_mixer(dict(type=name))
        assert isinstance(mixer, BaseMixer)
        assert mixer.alpha == DEFAULT_ALPHA[name]


@pytest.mark.parametrize('name', MIXER_NAMES)
def test_reported_lam_is_the_measured_share_of_x_a(name):
    """Over many random draws, lam == share of pixels of x_a to one pixel."""
    np.random.seed(0)
    torch.manual_seed(0)
    size = 32
    mixer = build_mixer(dict(type=name, alpha=1, avoid_self_pair=True))
    x = labelled_batch(6, size=size)
    for _ in range(150):
        out = mixer(x)
        assert isinstance(out, MixOutput)
        share = measured_share(x, out.inputs, out.index)
        lam = lam_vector(out.lam, 6)
        # hard masks: a whole number of pixels; soft: float32 rounding only
        tol = 1e-5 if name in SOFT else 1 / size**2
        assert torch.allclose(share, lam, atol=tol), (share, lam)
        assert 0.0 <= float(lam.min()) and float(lam.max()) <= 1.0


@pytest.mark.parametrize('name', MIXER_NAMES)
@pytest.mark.parametrize('dtype', [torch.float32, torch.bfloat16])
@pytest.mark.parametrize('channels,size', [(1, 28), (3, 32), (3, 64),
                                           (3, 224)])
def test_shapes_dtypes_and_exact_lam(name, dtype, channels, size):
    np.random.seed(size)
    torch.manual_seed(size)
    n = 3 if size == 224 else 5
    x = labelled_batch(n, channels, size, dtype)
    out = build_mixer(dict(type=name, avoid_self_pair=True))(x)
    assert out.inputs.shape == x.shape
    assert out.inputs.dtype == dtype
    assert out.index.dtype == torch.long and out.index.device == x.device
    assert sorted(out.index.tolist()) == list(range(n))
    lam = lam_vector(out.lam, n)
    if isinstance(out.lam, torch.Tensor):
        assert out.lam.shape == (n, ) and out.lam.dtype == torch.float32
    share = measured_share(x, out.inputs, out.index)
    if name in SOFT and dtype == torch.bfloat16:
        # bf16 keeps 8 bits of mantissa: blends of values <= n round by
        # <= n * 2^-8 / |a - b|
        assert torch.allclose(share, lam, atol=n * 2**-8)
    else:
        assert torch.allclose(share, lam, atol=1 / size**2 + 1e-5)


@pytest.mark.parametrize('name', MIXER_NAMES + ('RandomMixer', ))
def test_no_self_pairs_when_disabled(name):
    torch.manual_seed(0)
    np.random.seed(0)
    if name == 'RandomMixer':
        cfg = dict(type='RandomMixer', mixers=[
            dict(type='BatchMixup', avoid_self_pair=True),
            dict(type='BatchGridMix', avoid_self_pair=True)])
    else:
        cfg = dict(type=name, avoid_self_pair=True)
    mixer = build_mixer(cfg)
    for n in range(2, 10):
        for _ in range(5):
            index = mixer(torch.randn(n, 1, 16, 16)).index
            assert (index != torch.arange(n)).all()


@pytest.mark.parametrize('name', MIXER_NAMES)
def test_batch_augment_interface_mixes_scores_with_exact_lam(name):
    """(inputs, batch_score) -> (inputs, mixed_score), as mmpretrain wants."""
    np.random.seed(3)
    torch.manual_seed(3)
    mixer = build_mixer(dict(type=name, avoid_self_pair=True))
    x = labelled_batch(4, size=32)
    score = torch.eye(4)
    mixed, mixed_score = mixer(x, score)
    assert mixed.shape == x.shape and mixed_score.shape == (4, 4)
    assert torch.allclose(mixed_score.sum(1), torch.ones(4))
    # the label weight of sample i's own class is its measured share of x_a
    rows = torch.arange(4)
    # recover the partner from the scores (the column of the other label)
    partner = (mixed_score - torch.diag(mixed_score.diag())).argmax(1)
    share = measured_share(x, mixed, partner)
    assert torch.allclose(mixed_score[rows, rows].double(), share,
                          atol=1 / 32**2 + 1e-5)


@pytest.mark.parametrize('name', MIXER_NAMES)
def test_integer_alpha_is_accepted_and_bad_alpha_is_explained(name):
    assert build_mixer(dict(type=name, alpha=1)).alpha == 1.0
    with pytest.raises(ValueError, match='alpha'):
        build_mixer(dict(type=name, alpha=0))


RANDOM_CFGS = {
    'RandomMixer-mixes': dict(type='RandomMixer', mixers=[
        dict(type='BatchMixup'), dict(type='BatchSmoothMix')]),
    'RandomMixer-no-mix': dict(type='RandomMixer', mixers=[
        dict(type='BatchFMix')], probs=[0.0]),
}


@pytest.mark.parametrize('name', MIXER_NAMES + tuple(RANDOM_CFGS))
@pytest.mark.parametrize('sumix', [True, False])
def test_trains_through_mixup_classifier(name, sumix):
    """One SGD step with SUMix on and off: finite loss, weights move."""
    from tests.conftest import build_tiny_classifier
    from mmpretrain.structures import DataSample
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = RANDOM_CFGS.get(name, dict(type=name))
    model = build_tiny_classifier(sumix=sumix, mixer=mixer, in_channels=1)
    model.train()
    x = torch.randn(6, 1, 16, 16)
    samples = [DataSample().set_gt_label(i % 3) for i in range(6)]
    losses = model.loss(x, samples)
    assert torch.isfinite(losses['loss'])
    assert 0.0 <= float(losses['lam']) <= 1.0
    if sumix:
        assert 0.0 <= float(losses['lam_tilde'].mean()) <= 1.0
    before = model.head.fc.weight.detach().clone()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    losses['loss'].backward()
    opt.step()
    assert not torch.equal(before, model.head.fc.weight)
