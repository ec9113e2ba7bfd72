"""The true semantic share of a mixed image, and the oracle mixer that labels
with it (the upper bound of any SUMix ratio correction)."""
import math
import numbers
from typing import Callable, Optional, Sequence, Union

import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import MixOutput, mix_scores, partner_in_mix, self_in_mix
from .builder import build_mixer


def pixel_mass(inputs: torch.Tensor, mean: Sequence[float],
               std: Sequence[float], background: float = 0.0
               ) -> torch.Tensor:
    r"""Object map of images on a flat dark background: pixel mass.

    .. math::
        o = \frac{1}{C}\sum_c \max(0,\ x_c \sigma_c + \mu_c - b)

    i.e. the raw intensity above the background ``b`` (0 for Fashion-MNIST,
    whose objects sit on black), from a normalised batch.

    Args:
        inputs (torch.Tensor): ``(N, C, H, W)`` normalised batch.
        mean (Sequence[float]): The data preprocessor's mean (1 or C values).
        std (Sequence[float]): The data preprocessor's std.
        background (float): Raw value of an empty pixel.

    Returns:
        torch.Tensor: ``(N, 1, H, W)`` float32 map, >= 0.
    """
    c = inputs.size(1)
    mean_t = torch.as_tensor(mean, dtype=torch.float32,
                             device=inputs.device).reshape(-1)
    std_t = torch.as_tensor(std, dtype=torch.float32,
                            device=inputs.device).reshape(-1)
    if mean_t.numel() not in (1, c) or std_t.numel() not in (1, c):
        raise ValueError(f'pixel_mass: mean/std need 1 or {c} values (one '
                         f'per channel), got {mean_t.numel()} and '
                         f'{std_t.numel()}; use the data_preprocessor values')
    raw = inputs.float() * std_t.view(1, -1, 1, 1) + mean_t.view(1, -1, 1, 1)
    return (raw - background).clamp(min=0).mean(dim=1, keepdim=True)


def semantic_share(out: MixOutput, objectness: torch.Tensor,
                   eps: float = 1e-8) -> torch.Tensor:
    r"""True share of ``x_a``'s object in each mixed image.

    With the applied mask :math:`m` (share of ``x_b`` per pixel) and an
    object map :math:`o` of the clean batch:

    .. math::
        s_i = \frac{\sum (1 - m_i)\,o_{a,i}}{\sum (1 - m_i)\,o_{a,i} +
        \sum m_i\,o'_{b,i}}

    where :math:`o'_b` is ``x_b``'s map placed as the mixer placed ``x_b``
    (:func:`~sumix_ext.models.mixers.base.partner_in_mix`; :math:`o_a` too
    is moved where the mixer moved ``x_a``'s blocks,
    :func:`~sumix_ext.models.mixers.base.self_in_mix`). An image with
    no object mass at all gets ``s = lam`` (nothing to correct).

    Args:
        out (MixOutput): What a mask-based mixer returned (``mask`` set).
        objectness (torch.Tensor): ``(N, 1, H, W)`` object map of ``x``
            (e.g. :func:`pixel_mass`, a saliency map or a segmentation).
        eps (float): Mass below which an image counts as empty.

    Returns:
        torch.Tensor: ``(N,)`` float32 shares in ``[0, 1]``.
    """
    if out.mask is None:
        raise ValueError('semantic_share: the mixer reported no mask (Mixup '
                         'or no mixing); the semantic share needs a '
                         'mask-based mixer such as BatchCutMix or BatchFMix')
    o = objectness.float()
    m = out.mask.to(device=o.device, dtype=torch.float32)
    kept_a = ((1 - m) * self_in_mix(out, o)).sum(dim=(1, 2, 3))
    pasted_b = (m * partner_in_mix(out, o)).sum(dim=(1, 2, 3))
    total = kept_a + pasted_b
    lam = out.lam
    lam_t = lam.to(o.device, torch.float32) if isinstance(
        lam, torch.Tensor) else torch.full_like(total, float(lam))
    return torch.where(total > eps, kept_a / total.clamp(min=eps),
                       lam_t.expand_as(total))


@BATCH_AUGMENTS.register_module()
class TrueShareMixer:
    r"""Oracle: any mask-based mixer, labelled with the true object share.

    Mixes exactly as ``mixer`` does, then replaces the area ratio ``lam`` by
    the per-sample object share :math:`s` of :func:`semantic_share`. The
    object map is, by ``truth``:

    * ``'pixel_mass'``: :func:`pixel_mass` of the normalised batch, for
      data whose objects sit on a flat ``background`` (Fashion-MNIST);
    * ``'sample'``: each sample's own object mask, passed by the classifier
      as ``object_map`` (``MixupClassifier`` stacks the data samples'
      ``object_mask``, e.g. from
      :class:`~sumix_ext.datasets.transforms.PasteOnBackground`): the truth
      of cluttered scenes, where pixel mass is not the object.

    It needs the truth, so it is a reference arm, not a method: it bounds
    what any ratio correction (SUMix and its variants) can gain.

    Args:
        mixer (dict): A mask-based mixer, e.g.
            ``dict(type='BatchCutMix', alpha=0.2)``.
        mean (Sequence[float]): The data preprocessor's mean.
        std (Sequence[float]): The data preprocessor's std.
        background (float): Raw value of an empty pixel. Defaults to 0.
        objectness (callable, optional): ``f(inputs) -> (N, 1, H, W)``
            object map instead of the pixel mass.
        truth (str): ``'pixel_mass'`` (default) or ``'sample'`` (above).
    """

    TRUTHS = ('pixel_mass', 'sample')

    def __init__(self,
                 mixer: Union[dict, Callable] = dict(type='BatchCutMix',
                                                     alpha=0.2),
                 mean: Sequence[float] = (72.94, ),
                 std: Sequence[float] = (90.02, ),
                 background: float = 0.0,
                 objectness: Optional[Callable] = None,
                 truth: str = 'pixel_mass'):
        if truth not in self.TRUTHS:
            raise ValueError(f'TrueShareMixer: truth must be one of '
                             f"{self.TRUTHS} ('sample': each sample's "
                             f'object_mask), got {truth!r}')
        self.truth = truth
        self.mixer = build_mixer(mixer)
        self.mean = [float(v) for v in mean]
        self.std = [float(v) for v in std]
        if not self.std or any(not math.isfinite(s) or s <= 0
                               for s in self.std):
            raise ValueError(f'TrueShareMixer: std must be positive numbers, '
                             f'got {std}; copy data_preprocessor.std')
        if isinstance(background, bool) or not isinstance(
                background, numbers.Real):
            raise TypeError(f'TrueShareMixer: background must be a number, '
                            f'got {background!r}')
        self.background = float(background)
        self.objectness = objectness

    @property
    def needs_object_map(self) -> bool:
        """Whether the caller must pass each sample's ``object_map``."""
        return self.truth == 'sample'

    def object_map(self, inputs: torch.Tensor,
                   given: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The object map of a normalised batch (pixel mass by default,
        ``given`` with ``truth='sample'``)."""
        if self.truth == 'sample':
            if given is None:
                raise ValueError(
                    "TrueShareMixer(truth='sample') needs each sample's "
                    'object mask: put PasteOnBackground (or another '
                    "transform that sets 'object_mask') and PackInputs("
                    "algorithm_keys=['object_mask']) in the pipeline")
            if (given.dim() != 4 or given.size(0) != inputs.size(0)
                    or given.shape[-2:] != inputs.shape[-2:]):
                raise ValueError(
                    f'TrueShareMixer: object_map must be (N, 1, H, W) = '
                    f'({inputs.size(0)}, 1, {inputs.size(2)}, '
                    f'{inputs.size(3)}) like the batch, got '
                    f'{tuple(given.shape)}; resize the mask with the image')
            return given.to(inputs.device, torch.float32)
        if self.objectness is not None:
            return self.objectness(inputs)
        return pixel_mass(inputs, self.mean, self.std, self.background)

    def __call__(self, inputs: torch.Tensor,
                 batch_score: Optional[torch.Tensor] = None,
                 object_map: Optional[torch.Tensor] = None):
        """Mix with ``mixer``; ``lam`` is the true share ``(N,)``.

        Same call forms as :class:`~sumix_ext.models.mixers.BaseMixer`;
        ``object_map`` ``(N, 1, H, W)``: the samples' object masks
        (``truth='sample'``).
        """
        out = self.mixer(inputs)
        if out.mask is None:
            raise ValueError(f'TrueShareMixer: {type(self.mixer).__name__} '
                             'has no spatial mask; use a mask-based mixer '
                             '(BatchCutMix, BatchFMix, BatchResizeMix, ...)')
        share = semantic_share(out, self.object_map(inputs, object_map))
        out = out._replace(lam=share)
        if batch_score is None:
            return out
        return out.inputs, mix_scores(batch_score, out.index, share)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(mixer={self.mixer!r}, mean='
                f'{self.mean}, std={self.std}, background={self.background}, '
                f'truth={self.truth!r})')
