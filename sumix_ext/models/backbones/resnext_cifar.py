"""ResNeXt with the CIFAR stem (3x3 conv, stride 1, no max-pool)."""
from mmpretrain.models.backbones import ResNet_CIFAR, ResNeXt
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ResNeXt_CIFAR(ResNet_CIFAR, ResNeXt):
    """ResNeXt (e.g. ResNeXt-50 32x4d) for 32x32 / 64x64 inputs.

    mmpretrain's ``ResNeXt`` blocks (grouped 3x3 bottlenecks) with the stem
    of mmpretrain's ``ResNet_CIFAR``: one 3x3 conv with stride 1 and no
    max-pool, so a 32x32 input reaches stage 4 at 4x4 (as in OpenMixup's
    CIFAR ResNeXt). Both pieces are inherited, nothing is re-implemented:
    the MRO is ``ResNet_CIFAR`` (stem, forward) -> ``ResNeXt``
    (``groups``, ``width_per_group``, bottleneck) -> ``ResNet``.

    Args:
        depth (int): 50, 101 or 152.
        groups (int): Cardinality of the grouped convs. Defaults to 32.
        width_per_group (int): Width of each group. Defaults to 4.
        **kwargs: Passed to ``ResNet`` (``out_indices``, ``stem_channels``,
            ``base_channels``, ``norm_cfg``, ``frozen_stages``...).
    """

    def __init__(self, depth: int, groups: int = 32,
                 width_per_group: int = 4, **kwargs):
        if depth not in ResNeXt.arch_settings:
            raise ValueError(f'ResNeXt_CIFAR: depth must be one of '
                             f'{sorted(ResNeXt.arch_settings)}, got {depth}')
        super().__init__(depth, groups=groups,
                         width_per_group=width_per_group, **kwargs)
