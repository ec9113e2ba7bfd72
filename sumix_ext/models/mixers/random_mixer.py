"""Random choice among several mixers, including "no mix" (as OpenMixup's
``mix_mode=[...]`` lists and mmpretrain's ``RandomBatchAugment``)."""
import math
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .builder import build_mixer


@BATCH_AUGMENTS.register_module()
class RandomMixer(BaseMixer):
    r"""Apply one mixer per batch, chosen at random.

    Mixer :math:`j` is used with probability :math:`p_j`; with probability
    :math:`1 - \sum_j p_j` the batch is left as is ("no mix":
    ``index = arange(N)``, ``lam = 1.0``, scores unchanged).

    Example::

        mixer = dict(type='RandomMixer',
                     mixers=[dict(type='BatchMixup', alpha=1.0),
                             dict(type='BatchCutMix', alpha=0.2)],
                     probs=[0.4, 0.4])  # 20% of batches are not mixed

    Args:
        mixers (list[dict]): Mixer configs (or built mixers).
        probs (list[float], optional): One probability per mixer, each
            >= 0, sum <= 1. None: uniform over ``mixers`` (no "no mix").
    """

    def __init__(self, mixers: Sequence, probs: Optional[List[float]] = None):
        if isinstance(mixers, dict) or not isinstance(mixers, (list, tuple)) \
                or len(mixers) == 0:
            raise ValueError('RandomMixer: mixers must be a non-empty list of '
                             "mixer configs, e.g. mixers=[dict(type="
                             "'BatchMixup'), dict(type='BatchCutMix')]")
        self.mixers = [build_mixer(cfg) for cfg in mixers]
        if probs is None:
            probs = [1.0 / len(self.mixers)] * len(self.mixers)
        probs = [float(p) for p in probs]
        if len(probs) != len(self.mixers):
            raise ValueError(f'RandomMixer: got {len(probs)} probs for '
                             f'{len(self.mixers)} mixers; give one '
                             'probability per mixer (or probs=None)')
        if any(not math.isfinite(p) or p < 0 for p in probs):
            raise ValueError(f'RandomMixer: probs must be >= 0, got {probs}')
        if sum(probs) > 1 + 1e-6:
            raise ValueError(f'RandomMixer: probs sum to {sum(probs):.4g} > 1;'
                             ' scale them down (the rest up to 1 is the '
                             'chance of "no mix")')
        self.probs = probs
        self.no_mix_prob = max(0.0, 1.0 - sum(probs))

    def choose(self) -> Optional[int]:
        """Index of the mixer to use (numpy RNG), or None for "no mix"."""
        p = np.array(self.probs + [self.no_mix_prob])
        j = int(np.random.choice(len(p), p=p / p.sum()))
        return None if j == len(self.mixers) else j

    def __call__(self, inputs: torch.Tensor,
                 batch_score: Optional[torch.Tensor] = None):
        """Mix with a randomly chosen mixer; same call forms as
        :class:`BaseMixer` (``MixOutput`` or ``(inputs, mixed_score)``)."""
        self.check_inputs(inputs)
        j = self.choose()
        if j is not None:
            return self.mixers[j](inputs, batch_score)
        index = torch.arange(inputs.size(0), device=inputs.device)
        if batch_score is None:
            return MixOutput(inputs, index, 1.0)
        return self.pack_output(inputs, index, 1.0, batch_score)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(mixers={self.mixers}, '
                f'probs={self.probs})')
