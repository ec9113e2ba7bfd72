"""Every arm of the study tool trains one step on the regimes it runs on:
the ResNet cluttered-scene regime (every CNN arm, the oracle's leaf
included) and the tiny-ViT one (every ViT arm: TransMix among them). The
arm's own ``--cfg-options`` are parsed as the command line parses them;
the backbone is narrowed (same type and input shape); the step must use
the arm's label rule (SnapMix's rho, TransMix's attention ratio, SUMix's
corrected ratio) and give a finite loss."""
import argparse
import copy

import numpy as np
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import sumix_ext  # noqa: F401
from sumix_ext.apis import load_config
from sumix_ext.apis.cli import add_cfg_options
from sumix_ext.commands.sumix_study import ARM_BACKBONE, ARMS
from sumix_ext.evaluation.study import write_oracle_config
from .synthetic import build_model, synthetic_batch
from .test_every_config_trains import narrow_backbone

STUDY = 'configs/fashion_mnist/study/'
REGIMES = {
    'cnn': STUDY + 'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-'
    '1k-study.py',
    'vit': STUDY + 'vit-tiny-p4_cutmix-sumix_1xb64-100e_fmnist-clutter-'
    '1k-study.py',
}
CASES = [(kind, arm) for kind in REGIMES for arm in ARMS
         if ARM_BACKBONE.get(arm.name, kind) == kind]


def _options(arm) -> dict:
    parser = argparse.ArgumentParser()
    add_cfg_options(parser)
    return parser.parse_args(['--cfg-options', *arm.options]).cfg_options \
        if arm.options else {}


@pytest.mark.parametrize('kind,arm', CASES,
                         ids=[f'{k}-{a.name}' for k, a in CASES])
def test_study_arm_trains_one_step(kind, arm, tmp_path):
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    np.random.seed(0)
    config = REGIMES[kind]
    if arm.name == 'oracle':
        config = write_oracle_config(config, str(tmp_path))
    cfg = copy.deepcopy(load_config(config, _options(arm)))
    narrow_backbone(cfg)
    model = build_model(cfg)
    batch = synthetic_batch(cfg, n=4, split='train')
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    logs = model.train_step(batch, wrapper)
    assert torch.isfinite(logs['loss'])
    mixer, sumix = cfg.model.get('mixer'), cfg.model.get('sumix')
    if mixer is None:
        assert 'lam' not in logs
    elif sumix is not None:
        assert 'lam_tilde' in logs
        if 'ratio' in sumix:
            assert model.sumix.ratio == sumix['ratio']
    elif mixer['type'] == 'BatchSnapMix':
        assert {'rho_a', 'rho_b'} <= set(logs)
    elif mixer['type'] == 'BatchTransMix':
        assert 'lam_transmix' in logs
    elif mixer['type'] == 'TrueShareMixer':
        assert mixer['truth'] == 'sample' and 'lam' in logs
    else:
        assert 'lam' in logs and 'lam_tilde' not in logs
