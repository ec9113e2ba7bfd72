"""Mixers: one file each, all registered in mmpretrain's ``BATCH_AUGMENTS``.

Names carry a ``Batch`` prefix so they never collide with mmpretrain's own
``Mixup``/``CutMix``/``ResizeMix``. See ``docs/mixers.md``.
"""
from .base import (BaseMixer, MixOutput, as_lam_tensor, check_alpha,
                   mix_scores, partner_in_mix, self_in_mix)
from .block_transport import (BlockTransport, move_blocks, plan_sources,
                              transport_plan, transport_sources)
from .alignmix import (BatchAlignMix, align_mix, alignment,
                       sinkhorn_plan)
from .builder import build_mixer, known_mixers
from .cutmix import BatchCutMix
from .fmix import BatchFMix
from .gridmix import BatchGridMix
from .guidedmix import (BatchGuidedMix, gradient_saliency, greedy_pairing,
                        guided_mask, guided_sr_saliency)
from .manifoldmix import BatchManifoldMix, manifold_mix
from .mixup import BatchMixup
from .puzzlemix import BatchPuzzleMix
from .random_mixer import RandomMixer
from .resizemix import BatchResizeMix
from .saliency_map import spectral_residual_saliency
from .saliencymix import BatchSaliencyMix
from .smoothmix import BatchSmoothMix
from .snapmix import BatchSnapMix, semantic_percent_map, snapmix_ratios
from .transmix import BatchTransMix, token_mask, transmix_lam
from .true_share import TrueShareMixer, pixel_mass, semantic_share

#: The seven mixers of the library, in the order of the docs and gallery.
MIXER_NAMES = ('BatchMixup', 'BatchCutMix', 'BatchSaliencyMix', 'BatchFMix',
               'BatchResizeMix', 'BatchGridMix', 'BatchSmoothMix')

__all__ = [
    'BaseMixer', 'MixOutput', 'as_lam_tensor', 'check_alpha', 'mix_scores',
    'build_mixer', 'known_mixers', 'BatchMixup', 'BatchCutMix',
    'BatchSaliencyMix', 'BatchFMix', 'BatchResizeMix', 'BatchGridMix',
    'BatchSmoothMix', 'RandomMixer', 'spectral_residual_saliency',
    'MIXER_NAMES', 'partner_in_mix', 'TrueShareMixer', 'pixel_mass',
    'semantic_share', 'BatchSnapMix', 'semantic_percent_map',
    'snapmix_ratios', 'BatchTransMix', 'token_mask', 'transmix_lam',
    'BatchGuidedMix', 'guided_sr_saliency', 'gradient_saliency',
    'greedy_pairing', 'guided_mask', 'self_in_mix', 'BlockTransport',
    'move_blocks', 'plan_sources', 'transport_plan', 'transport_sources',
    'BatchPuzzleMix',
    'BatchManifoldMix', 'manifold_mix',
    'BatchAlignMix', 'align_mix', 'alignment', 'sinkhorn_plan'
]
