import pytest
import torch

from sumix_ext.evaluation import occlude, occlusion_mask


@pytest.mark.parametrize('share,pixels', [(0.0, 0), (0.25, 14 * 14),
                                          (0.5, 20 * 20), (1.0, 28 * 28)])
def test_box_covers_the_share(share, pixels):
    mask = occlusion_mask(6, 28, 28, share)
    assert mask.shape == (6, 1, 28, 28) and mask.dtype == torch.bool
    assert mask.flatten(1).sum(1).tolist() == [pixels] * 6


def test_box_is_one_contiguous_rectangle_inside_the_image():
    mask = occlusion_mask(50, 32, 20, 0.3,
                          generator=torch.Generator().manual_seed(1))[:, 0]
    rows, cols = mask.any(2), mask.any(1)
    h, w = rows.sum(1), cols.sum(1)
    assert (h == round(0.3 ** 0.5 * 32)).all()
    assert (w == round(0.3 ** 0.5 * 20)).all()
    assert (mask.flatten(1).sum(1) == h * w).all()  # a full rectangle
    # positions vary between images
    assert len({tuple(r.nonzero()[0].tolist()) for r in rows}) > 5


def test_center_mode_centres_and_generator_reproduces():
    mask = occlusion_mask(2, 28, 28, 0.25, mode='center')[0, 0]
    ys, xs = mask.nonzero(as_tuple=True)
    assert (ys.min().item(), ys.max().item()) == (7, 20)
    assert (xs.min().item(), xs.max().item()) == (7, 20)
    a = occlusion_mask(8, 28, 28, 0.4,
                       generator=torch.Generator().manual_seed(3))
    b = occlusion_mask(8, 28, 28, 0.4,
                       generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_occlude_fills_per_channel_and_keeps_the_rest():
    x = torch.rand(3, 2, 8, 8)
    mask = occlusion_mask(3, 8, 8, 0.25, mode='center')
    fill = torch.tensor([-1.0, -2.0]).view(2, 1, 1)
    out = occlude(x, mask, fill)
    m = mask.expand_as(x)
    assert torch.equal(out[~m], x[~m])
    assert (out[:, 0][mask[:, 0]] == -1).all()
    assert (out[:, 1][mask[:, 0]] == -2).all()


def test_bad_share_or_mode():
    with pytest.raises(ValueError, match=r'in \[0, 1\]'):
        occlusion_mask(1, 8, 8, 1.5)
    with pytest.raises(ValueError, match='mode must be one of'):
        occlusion_mask(1, 8, 8, 0.5, mode='corner')
