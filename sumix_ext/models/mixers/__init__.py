"""Mixers: one file each, all registered in mmpretrain's ``BATCH_AUGMENTS``.

Names carry a ``Batch`` prefix so they never collide with mmpretrain's own
``Mixup``/``CutMix``/``ResizeMix``.
"""
from .base import BaseMixer, MixOutput, as_lam_tensor, check_alpha, mix_scores
from .builder import build_mixer, known_mixers
from .cutmix import BatchCutMix

__all__ = [
    'BaseMixer', 'MixOutput', 'as_lam_tensor', 'check_alpha', 'mix_scores',
    'BatchCutMix', 'build_mixer', 'known_mixers'
]
