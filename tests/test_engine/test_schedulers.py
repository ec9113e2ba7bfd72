"""GroupCosineAnnealingLR: a floor per parameter group."""
import math

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS

import sumix_ext  # noqa: F401


def test_each_group_anneals_to_its_own_floor():
    model = torch.nn.ModuleDict(dict(net=torch.nn.Linear(2, 2),
                                     mix_block=torch.nn.Linear(2, 2)))
    wrapper = build_optim_wrapper(model, dict(
        optimizer=dict(type='SGD', lr=0.2, momentum=0.9),
        paramwise_cfg=dict(custom_keys={
            'mix_block': dict(lr_mult=0.5, eta_min=1e-3)})))
    sched = PARAM_SCHEDULERS.build(dict(
        type='GroupCosineAnnealingLR', optimizer=wrapper.optimizer, T_max=10,
        eta_min=0.05))
    lrs = []
    for _ in range(10):
        wrapper.optimizer.step()
        sched.step()
        lrs.append(sorted({round(g['lr'], 9)
                           for g in wrapper.optimizer.param_groups}))
    half = (1 + math.cos(math.pi * 5 / 10)) / 2
    assert lrs[4] == sorted([round(1e-3 + (0.1 - 1e-3) * half, 9),
                             round(0.05 + (0.2 - 0.05) * half, 9)])
    assert lrs[-1] == [1e-3, 0.05]


def test_eta_min_ratio_is_refused():
    opt = torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1)
    with pytest.raises(ValueError, match='not eta_min_ratio'):
        PARAM_SCHEDULERS.build(dict(type='GroupCosineAnnealingLR',
                                    optimizer=opt, T_max=5,
                                    eta_min_ratio=0.1))
