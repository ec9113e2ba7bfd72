"""PuzzleMix's maths against hand-computed cases: the graph cut, the
transport plan and the block moves, lam = the exact share of x_a after
transport, and maps (object masks) following the transport."""
import numpy as np
import pytest
import torch

from sumix_ext.models.mixers import (BatchPuzzleMix, BlockTransport,
                                     MixOutput, move_blocks, partner_in_mix,
                                     plan_sources, self_in_mix,
                                     semantic_share, transport_plan)
from sumix_ext.models.mixers.block_transport import block_cost
from sumix_ext.models.mixers.graphcut import (graphcut_mask, graphcut_terms,
                                              label_prior)

F32 = np.float32


# --------------------------------------------------------------- graph cut
def test_graph_cut_without_smoothness_takes_each_blocks_cheaper_source():
    # showing x_a costs x_b's hidden saliency: cheap in three blocks
    cost_a = np.array([[0., 0.], [0., 1.]], F32)
    cost_b = np.array([[1., 1.], [1., 0.]], F32)
    zero_v, zero_h = np.zeros((1, 2), F32), np.zeros((2, 1), F32)
    mask = graphcut_mask(cost_a, cost_b, zero_v, zero_h, lam=0.5, smooth=0.,
                         eta=0., n_labels=2)
    np.testing.assert_array_equal(mask, [[1, 1], [1, 0]])


def test_graph_cut_label_smoothness_makes_one_label():
    """Energy by hand: all x_a = 1 (the one block where x_b is cheaper),
    all x_b = 3, the split = 0 unary + 2 cut edges x 0.6 = 1.2."""
    cost_a = np.array([[0., 0.], [0., 1.]], F32)
    cost_b = np.array([[1., 1.], [1., 0.]], F32)
    zero_v, zero_h = np.zeros((1, 2), F32), np.zeros((2, 1), F32)
    mask = graphcut_mask(cost_a, cost_b, zero_v, zero_h, lam=0.5,
                         smooth=0.6, eta=0., n_labels=2)
    np.testing.assert_array_equal(mask, np.ones((2, 2)))
    # at 0.4 per edge the split (0.8) beats all x_a (1)
    mask = graphcut_mask(cost_a, cost_b, zero_v, zero_h, lam=0.5,
                         smooth=0.4, eta=0., n_labels=2)
    np.testing.assert_array_equal(mask, [[1, 1], [1, 0]])
    # costs gco would abort on are one line instead
    # (2500 x 4000 = 1e7 per edge: gco's GCO_MAX_ENERGYTERM)
    with pytest.raises(ValueError, match='too large for gco'):
        graphcut_mask(cost_a, cost_b, zero_v, zero_h, lam=0.5, smooth=2500.,
                      eta=0., n_labels=2)


def test_graph_cut_energy_stays_integer_where_the_authors_wraps():
    """A saliency peak at a fine grid: the authors' float pairwise makes gco
    multiply the int32 unary by 1e5, past 2^31 (a wrapped, meaningless
    energy). The integer energy (times (L-1)^2, same minimiser) keeps the
    optimum: each block takes its cheaper source when nothing is smooth."""
    g = 14
    rng = np.random.default_rng(0)
    cost_a = rng.random((g, g)).astype(F32) * 0.05
    cost_b = rng.random((g, g)).astype(F32) * 0.05
    cost_a[3, 4] = 0.3  # 1000 g^2 x 0.3 = 58800: x 1e5 > 2^31
    zero_v = np.zeros((g - 1, g), F32)
    zero_h = np.zeros((g, g - 1), F32)
    for labels in (2, 3):
        mask = graphcut_mask(cost_a, cost_b, zero_v, zero_h, lam=0.5,
                             smooth=0., eta=0., n_labels=labels)
        want = np.where(cost_a < cost_b, 1.0, 0.0)
        np.testing.assert_array_equal(mask, want)


def test_graph_cut_prior_with_three_labels_and_no_saliency():
    """lam = 0.5: -log p = (log 4, log 2, log 4): the half/half label wins
    everywhere; lam = 0.9: (0.81, 0.18, 0.01): all x_a."""
    z = np.zeros((2, 2), F32)
    zv, zh = np.zeros((1, 2), F32), np.zeros((2, 1), F32)
    half = graphcut_mask(z, z, zv, zh, lam=0.5, smooth=0., eta=1.,
                         n_labels=3)
    np.testing.assert_array_equal(half, np.full((2, 2), 0.5))
    mostly_a = graphcut_mask(z, z, zv, zh, lam=0.9, smooth=0., eta=1.,
                             n_labels=3)
    np.testing.assert_array_equal(mostly_a, np.ones((2, 2)))
    np.testing.assert_allclose(label_prior(0.5, 3),
                               -np.log([0.25 + 1e-8, 0.5 + 1e-8,
                                        0.25 + 1e-8]))
    np.testing.assert_allclose(label_prior(0.3, 2),
                               -np.log([0.3 + 1e-8, 0.7 + 1e-8]))


def test_graphcut_terms_by_hand():
    """Two 4x4 one-channel images, grid 2, neigh 2 (one pooled cell per
    block), beta / (16 g) * gamma = 1: x_a = 0, x_b = 1 in its left half;
    x_a's saliency all in its top-left block, x_b's uniform.

    Border jumps E_st (s top/left, t bottom/right; 1 = x_a, 0 = x_b):
    vertical, left column: E_01 = E_10 = 1, else 0; horizontal, both rows:
    E_00 = E_01 = 1, E_10 = E_11 = 0. Edge weights (E_10 + E_01 - E_11 -
    E_00) / 2: vertical (1, 0), horizontal 0. Costs: showing x_a = x_b's
    saliency (1/4) + (E_1. + E_11)/2 above/left + (E_.1 + E_11)/2
    below/right; showing x_b = x_a's saliency + the E_0. / E_.0 halves.
    Check: all x_a = 3 = 1 (hidden saliency) + 0 + 2 (the constant sum of
    (E_10 + E_01) / 2); all x_b = 5 = 1 + 2 (E_00) + 2."""
    a = torch.zeros(1, 1, 4, 4)
    b = torch.zeros(1, 1, 4, 4)
    b[..., :2] = 1
    x = torch.cat([a, b])
    index = torch.tensor([1, 0])
    sal = torch.zeros(2, 4, 4)
    sal[0, :2, :2] = 1
    sal[1] = 1
    cost_a, cost_b, ev, eh = graphcut_terms(sal, x, index, grid=2,
                                            beta=32., gamma=1., neigh_size=2)
    assert torch.equal(ev[0], torch.tensor([[1., 0.]]))
    assert torch.equal(eh[0], torch.zeros(2, 1))
    assert torch.allclose(cost_a[0], torch.full((2, 2), 0.75))
    assert torch.allclose(cost_b[0], torch.tensor([[2.5, 0.5],
                                                   [1.5, 0.5]]))
    assert cost_a[0].sum().item() == pytest.approx(3.0)
    assert cost_b[0].sum().item() == pytest.approx(5.0)


# --------------------------------------------------------------- transport
def test_block_cost_is_the_scaled_squared_grid_distance():
    c = block_cost(2)
    assert torch.equal(c, torch.tensor([[0., 1., 1., 2.], [1., 0., 2., 1.],
                                        [1., 2., 0., 1.], [2., 1., 1., 0.]]))
    assert block_cost(3)[0, 8].item() == pytest.approx(8 / 4)


def test_transport_plan_known_permutation():
    """2x2 blocks, top row shown, the salient block bottom-left, eps 0.5.
    Round 1: blocks 0 and 2 both pick destination 0 (-0.1 vs -0.2): block 2
    wins; block 3 stays home at cost 0, tied with the non-pickers, and
    loses. Round 2: blocks 0 and 3 pick destination 1 (0.4 each) against
    its owner block 1 (-0.1), and lose. Plan: 2 -> 0, 1 -> 1."""
    show = torch.tensor([[[1., 1.], [0., 0.]]])
    sal = torch.tensor([[[0.1, 0.1], [0.7, 0.1]]])
    plan = transport_plan(show, sal, eps=0.5)
    expect = torch.zeros(1, 4, 4)
    expect[0, 2, 0] = expect[0, 1, 1] = 1
    assert torch.equal(plan, expect)
    src = plan_sources(plan)
    assert src.tolist() == [[2, 1, -1, -1]]
    img = torch.tensor([[10., 10., 20., 20.], [10., 10., 20., 20.],
                        [30., 30., 40., 40.], [30., 30., 40., 40.]])
    moved = move_blocks(img[None, None], src, block=2)[0, 0]
    assert torch.equal(moved, torch.tensor(
        [[30., 30., 20., 20.], [30., 30., 20., 20.], [0., 0., 0., 0.],
         [0., 0., 0., 0.]]))


def _dense_rounds(show, sal, eps):
    """The authors' rounds written with dense (N, T, T) pick and fight
    matrices (their ``mask_transport``), the reference of the fast one."""
    n, g = show.size(0), show.size(-1)
    z = (show > 0).float().reshape(n, 1, g * g)
    cost = eps * block_cost(g)[None] - sal.reshape(n, g * g, 1) * z
    for _ in range(g):
        pick = torch.zeros_like(cost).scatter_(-1, cost.min(-1)[1][..., None],
                                               1)
        best = (pick * cost).min(-2)[1]
        win = torch.zeros_like(cost).scatter_(-2, best[:, None], 1) * pick
        cost = cost + (1 - win) * pick
    return win


@pytest.mark.parametrize('seed', range(6))
def test_fast_rounds_equal_the_dense_rounds_ties_included(seed):
    """Random masks and saliency with exact zeros (ties with the
    non-pickers' 0, blocks staying home at cost 0), grids 2 to 8."""
    torch.manual_seed(seed)
    for g in (2, 3, 4, 8):
        show = (torch.rand(16, g, g) > 0.5).float() * torch.randint(
            1, 3, (16, g, g)) / 2
        sal = torch.rand(16, g, g) * (torch.rand(16, g, g) > 0.4)
        sal = sal / sal.flatten(1).sum(1).clamp(min=1e-12)[:, None, None]
        for eps in (0.0, 0.3, 0.8, 10.0):
            assert torch.equal(transport_plan(show, sal, eps),
                               _dense_rounds(show, sal, eps)), (g, eps)


def test_move_blocks_equals_the_dense_plan_product():
    """The authors apply the plan as a matrix product over blocks
    (destination j = sum_i plan[i, j] block_i); the gather is the same."""
    torch.manual_seed(0)
    n, g, b = 3, 4, 2
    show = (torch.rand(n, g, g) > 0.5).float()
    sal = torch.rand(n, g, g)
    plan = transport_plan(show, sal / sal.sum((1, 2), keepdim=True), 0.8)
    assert (plan.sum(1) <= 1).all() and (plan.sum(2) <= 1).all()
    x = torch.randn(n, 2, g * b, g * b)
    blocks = x.reshape(n, 2, g, b, g, b).permute(0, 1, 2, 4, 3, 5).reshape(
        n, 2, g * g, b, b)
    dense = torch.einsum('nij,ncihw->ncjhw', plan, blocks).reshape(
        n, 2, g, g, b, b).permute(0, 1, 2, 4, 3, 5).reshape(x.shape)
    assert torch.allclose(move_blocks(x, plan_sources(plan), b), dense)


# ------------------------------------------------------------------- mixer
def _constant_batch(n=6, size=16):
    """Image i is the constant i + 1: every pixel says whose it is."""
    return torch.arange(1., n + 1).view(n, 1, 1, 1).expand(
        n, 3, size, size).clone()


@pytest.mark.parametrize('transport,t_size', [(True, 4), (True, -1),
                                              (False, 4)])
def test_lam_is_the_exact_share_of_x_a_after_transport(transport, t_size):
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = BatchPuzzleMix(block_num=(2, 4, 8), transport=transport,
                           t_size=t_size, avoid_self_pair=True)
    x = _constant_batch()
    for _ in range(10):
        sal = torch.rand(6, 16, 16) + 0.01  # no block without saliency
        out = mixer(x, saliency=sal)
        a = x[:, :1]
        b = x[out.index, :1]
        share_a = (out.inputs[:, :1] - b) / (a - b)  # solve the blend
        assert torch.allclose(share_a.flatten(1).mean(1), out.lam,
                              atol=1e-6)
        assert torch.allclose(1 - out.mask.flatten(1).mean(1), out.lam)
        assert set(out.mask.unique().tolist()) <= {0., 0.5, 1.}
        assert (out.transport is not None) == transport


def test_maps_follow_the_transport_exactly():
    """With the images as their own maps, the mask and the moved maps
    rebuild the mixed images exactly: whatever moved a pixel moved its
    map."""
    np.random.seed(1)
    torch.manual_seed(1)
    mixer = BatchPuzzleMix(block_num=(2, 4, 8, 16), avoid_self_pair=True)
    x = torch.rand(8, 1, 32, 32)
    for _ in range(5):
        out = mixer(x, saliency=torch.rand(8, 32, 32))
        m = out.mask
        rebuilt = (1 - m) * self_in_mix(out, x) + m * partner_in_mix(out, x)
        assert torch.allclose(rebuilt, out.inputs, atol=1e-6)


def test_semantic_share_counts_the_object_where_transport_put_it():
    """x_a's object sits in its bottom-left block, hidden by the mask
    (top row = x_a); the plan moves it to the top-left: the true share of
    x_a counts it (1.0), where the untransported mask would hide it."""
    obj = torch.zeros(2, 1, 4, 4)
    obj[0, :, 2:, :2] = 1  # x_a's object: bottom-left block
    obj[1, :, 2:, 2:] = 1  # x_b's object: bottom-right block
    mask_b = torch.zeros(2, 1, 4, 4)
    mask_b[:, :, 2:] = 1  # bottom row shows x_b
    index = torch.tensor([1, 0])
    src_a = torch.tensor([[2, 1, -1, -1], [0, 1, -1, -1]])
    src_b = torch.tensor([[-1, -1, 2, 3], [-1, -1, 2, 3]])
    moved = MixOutput(torch.zeros(2, 1, 4, 4), index, torch.full((2, ), .5),
                      mask_b, transport=BlockTransport(src_a, src_b, 2))
    still = moved._replace(transport=None)
    # sample 0: a's object moved up (4 px kept), b's object bottom-right (4)
    assert semantic_share(moved, obj)[0].item() == pytest.approx(0.5)
    assert semantic_share(still, obj)[0].item() == pytest.approx(0.0)


def test_one_line_errors():
    with pytest.raises(ValueError, match='a batch augment does not have'):
        BatchPuzzleMix()(torch.randn(4, 3, 32, 32), torch.eye(4))
    with pytest.raises(ValueError, match=r'block_num \[8\] do not divide '
                       r'the image side 28; .*block_num=\(2, 4, 7, 14\)'):
        BatchPuzzleMix(block_num=(4, 8))(torch.randn(4, 1, 28, 28),
                                         saliency=torch.rand(4, 28, 28))
    with pytest.raises(ValueError, match='t_size 4 does not divide'):
        BatchPuzzleMix(block_num=(2, ), t_size=4, neigh_size=7)(
            torch.randn(4, 1, 28, 28), saliency=torch.rand(4, 28, 28))
    with pytest.raises(ValueError, match=r'neigh_size 4 does not divide '
                       r'the block sizes \[14, 7\]'):
        BatchPuzzleMix(block_num=(2, 4, 7, 14), t_size=-1)(
            torch.randn(4, 1, 28, 28), saliency=torch.rand(4, 28, 28))


@pytest.mark.parametrize('grid', [2, 4, 7, 14])
def test_every_grid_of_the_28px_study_arm_mixes(grid):
    mixer = BatchPuzzleMix(block_num=(grid, ), neigh_size=7, t_size=-1)
    out = mixer(torch.rand(4, 1, 28, 28), saliency=torch.rand(4, 28, 28))
    assert out.inputs.shape == (4, 1, 28, 28)
    assert out.transport.block == 28 // grid
    with pytest.raises(ValueError, match='square images'):
        BatchPuzzleMix()(torch.randn(4, 3, 32, 16),
                         saliency=torch.rand(4, 32, 16))
    with pytest.raises(ValueError, match=r'saliency must be \(N, H, W\)'):
        BatchPuzzleMix()(torch.randn(4, 3, 32, 32),
                         saliency=torch.rand(4, 16, 16))
    for bad in (dict(n_labels=1), dict(block_num=1), dict(beta=-1),
                dict(adv_p=2), dict(t_size=0), dict(transport=1)):
        with pytest.raises(ValueError, match='BatchPuzzleMix: '):
            BatchPuzzleMix(**bad)


def test_without_gco_it_stops_at_build(monkeypatch):
    from sumix_ext.models.mixers import puzzlemix
    monkeypatch.setattr(puzzlemix, 'gco', None)
    with pytest.raises(ImportError, match='pip install .gco-wrapper'):
        BatchPuzzleMix()


def test_dtype_and_adversarial_noise():
    np.random.seed(0)
    torch.manual_seed(0)
    mixer = BatchPuzzleMix(block_num=(2, ), transport=False,
                           avoid_self_pair=True)
    x = torch.rand(4, 3, 8, 8)
    noise = torch.full_like(x, 0.5)
    out = mixer(x.bfloat16(), saliency=torch.rand(4, 8, 8))
    assert out.inputs.dtype == torch.bfloat16
    out = mixer(x, saliency=torch.rand(4, 8, 8), noise=noise,
                noise_on=(True, True))
    assert torch.allclose(out.inputs, (x + 0.5).clamp(0, 1)[
        :, :, :, :].mul(1 - out.mask) + (x + 0.5).clamp(0, 1)[out.index]
        .mul(out.mask))
