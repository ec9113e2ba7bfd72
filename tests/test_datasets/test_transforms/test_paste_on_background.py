"""PasteOnBackground: the cluttered-scene composite, its object mask, fixed
val/test scenes and the oracle's label on a known composite."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpretrain.registry import DATASETS

from sumix_ext.datasets.transforms import (EVAL_BACKGROUNDS,
                                           TRAIN_BACKGROUNDS,
                                           PasteOnBackground, composite,
                                           load_background)
from sumix_ext.models.classifiers.mixup_classifier import stack_object_masks
from sumix_ext.models.mixers import MixOutput, TrueShareMixer, semantic_share
from tests.conftest import make_fashion_mnist

CLUTTER = ('configs/fashion_mnist/study/'
           'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py')


def garment(value=200, size=28):
    img = np.zeros((size, size), np.uint8)
    img[6:22, 8:20] = value
    return img


def test_train_and_eval_backgrounds_are_disjoint_shipped_photos():
    assert not set(TRAIN_BACKGROUNDS) & set(EVAL_BACKGROUNDS)
    for name in TRAIN_BACKGROUNDS + EVAL_BACKGROUNDS:
        img = load_background(name)  # from the wheel: no download
        assert img.ndim == 2 and img.dtype == np.float32
        assert 0 <= img.min() and img.max() <= 255 and img.std() > 5


def test_composite_is_alpha_blending_by_the_object_intensity():
    obj = np.array([[0., 255.], [102., 51.]], np.float32)
    bg = np.full((4, 4), 100., np.float32)
    scene, alpha = composite(obj, bg, top=1, left=2)
    assert alpha[1, 3] == 1 and alpha[1, 2] == 0
    assert alpha.sum() == pytest.approx((255 + 102 + 51) / 255)
    assert scene[1, 2] == 100  # transparent: the background
    assert scene[1, 3] == 255  # opaque: the object
    # 0.4 * 102 + 0.6 * 100 = 100.8 -> 101; 0.2 * 51 + 0.8 * 100 = 90.2 -> 90
    assert scene[2, 2] == 101 and scene[2, 3] == 90
    assert scene[0, 0] == 100 and alpha[0, 0] == 0


@pytest.mark.parametrize('size', [(10, 10), (10, 18), (18, 18)])
def test_object_lies_whole_inside_the_scene_at_its_size(size):
    t = PasteOnBackground(backgrounds='train', object_size=size)
    np.random.seed(0)
    for _ in range(20):
        out = t(dict(img=np.full((28, 28), 255, np.uint8)))
        mask = out['object_mask']
        assert mask.shape == (1, 28, 28) and mask.dtype == torch.float32
        rows = torch.nonzero(mask[0].sum(1)).flatten()
        cols = torch.nonzero(mask[0].sum(0)).flatten()
        side = int(rows.max() - rows.min() + 1)
        assert size[0] <= side <= size[1]
        assert int(cols.max() - cols.min() + 1) == side  # square, whole
        assert out['img'].shape == (28, 28) and out['img'].dtype == np.uint8


def test_fixed_scenes_depend_on_the_index_only_and_training_redraws():
    fixed = [PasteOnBackground(backgrounds='eval', fixed=True, seed=3)
             for _ in range(2)]
    a = fixed[0](dict(img=garment(), sample_idx=7))
    np.random.seed(123)  # the global generator must not matter
    b = fixed[1](dict(img=garment(), sample_idx=7))
    c = fixed[1](dict(img=garment(), sample_idx=8))
    assert np.array_equal(a['img'], b['img'])
    assert torch.equal(a['object_mask'], b['object_mask'])
    assert not np.array_equal(a['img'], c['img'])
    train = PasteOnBackground(backgrounds='train')
    np.random.seed(0)
    d, e = (train(dict(img=garment()))['img'] for _ in range(2))
    assert not np.array_equal(d, e)


def test_bad_settings_name_the_fix():
    with pytest.raises(ValueError, match='object_size must be'):
        PasteOnBackground('train', object_size=(20, 40))
    with pytest.raises(ValueError, match='contrast must be in'):
        PasteOnBackground('train', contrast=2)
    with pytest.raises(TypeError, match="'train' / 'eval'"):
        PasteOnBackground('brick')
    with pytest.raises(ValueError, match='not a skimage.data image'):
        PasteOnBackground(['no_such_photo'])
    with pytest.raises(KeyError, match='sample_idx'):
        PasteOnBackground('eval', fixed=True)(dict(img=garment()))


def test_oracle_label_is_the_hand_computed_object_share():
    """Two known composites, a known box: the oracle's lam is the share of
    x_a's object alpha left outside the box over the total object alpha."""
    bg = np.full((8, 8), 50., np.float32)
    obj_a = np.full((4, 4), 255., np.float32)  # alpha 1 on rows/cols 0-3
    obj_b = np.full((2, 2), 127.5, np.float32)  # alpha 0.5 on rows/cols 4-5
    sa, ma = composite(obj_a, bg, 0, 0)
    sb, mb = composite(obj_b, bg, 4, 4)
    x = torch.from_numpy(np.stack([sa, sb]).astype(np.float32))[:, None]
    masks = torch.from_numpy(np.stack([ma, mb]))[:, None]
    box = torch.zeros(1, 1, 8, 8, dtype=torch.bool)
    box[..., 2:6, 2:6] = True  # x_b pasted here (share of x_b = 16/64)

    def fixed_mixer(inputs):
        index = torch.tensor([1, 0])
        return MixOutput(torch.where(box, inputs[index], inputs), index,
                         0.75, box, None)

    oracle = TrueShareMixer(mixer=fixed_mixer, truth='sample')
    assert oracle.needs_object_map
    lam = oracle(x, object_map=masks).lam
    # image 0 keeps x_a's object outside the box: 16 - 4 = 12 (alpha 1);
    # it receives x_b's object inside the box: 4 px of alpha 0.5 = 2
    # image 1 keeps x_b's object outside the box: 0; receives x_a's 4 px
    assert torch.allclose(lam, torch.tensor([12 / 14, 0.0]))
    # the pixel mass would count the background: far from the truth
    assert not torch.allclose(semantic_share(fixed_mixer(x), x), lam,
                              atol=0.1)
    with pytest.raises(ValueError, match='object mask'):
        oracle(x)


def test_clutter_config_packs_the_mask_and_val_test_are_fixed(tmp_path):
    root = make_fashion_mnist(str(tmp_path), n_train=40, n_test=12)
    cfg = Config.fromfile(CLUTTER)
    built = []
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds_cfg = cfg[key].dataset
        ds_cfg.data_root = root
        ds_cfg.pop('index_range', None)
        ds_cfg.pop('indices', None)
        built.append(DATASETS.build(ds_cfg))
    train, val, test = built
    batch = pseudo_collate([train[i] for i in range(4)])
    x = torch.stack(batch['inputs']).float()
    masks = stack_object_masks(batch['data_samples'], x)
    assert masks.shape == (4, 1, 28, 28) and masks.max() <= 1
    assert (masks.flatten(1).sum(1) > 0).all()
    again = DATASETS.build(cfg.val_dataloader.dataset)
    for i in (0, 5):
        assert torch.equal(val[i]['inputs'], again[i]['inputs'])
        assert torch.equal(val[i]['data_samples'].object_mask,
                           again[i]['data_samples'].object_mask)
    assert not torch.equal(val[0]['inputs'], test[0]['inputs'])
