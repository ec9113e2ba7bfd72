"""Issue 20 item 5: SUMix added to a stock mmpretrain mixup config with one
override, ``model = dict(type='MixupClassifier', sumix=...)``."""
import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import sumix_ext  # noqa: F401
from sumix_ext.apis import load_config
from sumix_ext.models.mixers.from_mmpretrain import mixer_from_augments


def test_augments_map_to_our_mixers():
    assert mixer_from_augments(dict(augments=dict(
        type='Mixup', alpha=1.0))) == dict(type='BatchMixup', alpha=1.0)
    assert mixer_from_augments(dict(augments=dict(
        type='CutMix', alpha=1.0))) == dict(type='BatchCutMix', alpha=1.0)
    assert mixer_from_augments(dict(augments=dict(
        type='ResizeMix', alpha=1.0, lam_min=0.2, lam_max=0.7))) == dict(
            type='BatchResizeMix', alpha=1.0, scope=(0.2, 0.7),
            use_alpha=True, interpolation='bilinear')
    both = mixer_from_augments(dict(augments=[
        dict(type='Mixup', alpha=0.8), dict(type='CutMix', alpha=1.0)],
        probs=[0.3, 0.7]))
    assert both['type'] == 'RandomMixer' and both['probs'] == [0.3, 0.7]
    with pytest.raises(ValueError, match='cutmix_minmax'):
        mixer_from_augments(dict(augments=dict(
            type='CutMix', alpha=1.0, cutmix_minmax=[0.2, 0.8])))


def test_one_override_adds_sumix_to_the_stock_mixup_config(tmp_path):
    child = tmp_path / 'child.py'
    child.write_text(
        "_base_ = ['mmpretrain::resnet/resnet50_8xb16-mixup_cifar10.py']\n"
        "model = dict(type='MixupClassifier', sumix=dict(type='SUMixLoss'))\n")
    cfg = load_config(str(child))
    cfg.model.backbone.update(depth=18)  # smaller, same classes
    cfg.model.head.in_channels = 512
    model = MODELS.build(dict(cfg.model,
                              data_preprocessor=cfg.data_preprocessor))
    assert type(model.mixer).__name__ == 'BatchMixup'
    assert model.mixer.alpha == 1.0
    assert type(model.head).__name__ == 'SUMixHead'
    assert model.sumix is not None
    assert not getattr(model.data_preprocessor, 'batch_augments', None)
    g = torch.Generator().manual_seed(0)
    data = dict(inputs=list(torch.randint(0, 255, (4, 3, 32, 32),
                                          generator=g, dtype=torch.uint8)),
                data_samples=[DataSample().set_gt_label(i) for i in range(4)])
    np.random.seed(0)
    logs = model.train_step(data, OptimWrapper(torch.optim.SGD(
        model.parameters(), lr=0.01)))
    assert torch.isfinite(logs['loss']) and 'lam_tilde' in logs
