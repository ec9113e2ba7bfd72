"""Learning-rate schedulers mmengine has no form of."""
import math

from mmengine.optim.scheduler import CosineAnnealingLR
from mmengine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class GroupCosineAnnealingLR(CosineAnnealingLR):
    """mmengine's ``CosineAnnealingLR`` with a floor per parameter group.

    A group carrying an ``eta_min`` key anneals to it, every other group to
    the scheduler's ``eta_min``. The key reaches the groups through
    ``optim_wrapper.paramwise_cfg.custom_keys`` (mmengine copies each
    custom key's entries into its parameters' groups), e.g. OpenMixup's
    Tiny-ImageNet AutoMix: the network 0.2 -> 0.05 and the Mix Block
    0.1 -> 0.001::

        optim_wrapper = dict(paramwise_cfg=dict(custom_keys={
            'mix_block': dict(lr_mult=0.5, eta_min=1e-3)}))
        param_scheduler = [dict(type='GroupCosineAnnealingLR', T_max=400,
                                by_epoch=True, eta_min=0.05)]

    ``eta_min_ratio`` is not supported (one floor rule per group).
    """

    def __init__(self, *args, **kwargs):
        if kwargs.get('eta_min_ratio') is not None:
            raise ValueError('GroupCosineAnnealingLR: give eta_min (per '
                             "group through custom_keys' eta_min), not "
                             'eta_min_ratio')
        super().__init__(*args, **kwargs)

    def _get_value(self) -> list:
        groups = self.optimizer.param_groups
        if self.last_step == 0:
            return [group[self.param_name] for group in groups]
        floors = [group.get('eta_min', self.eta_min) for group in groups]
        if (self.last_step - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [
                group[self.param_name] + (base - low) *
                (1 - math.cos(math.pi / self.T_max)) / 2
                for base, low, group in zip(self.base_values, floors, groups)
            ]
        ratio = (1 + math.cos(math.pi * self.last_step / self.T_max)) / (
            1 + math.cos(math.pi * (self.last_step - 1) / self.T_max))
        return [ratio * (group[self.param_name] - low) + low
                for low, group in zip(floors, groups)]
