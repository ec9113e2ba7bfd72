"""The mixer interface shared by every mixer in :mod:`sumix_ext.models.mixers`.

A mixer draws a mixing ratio ``lam`` and a partner permutation ``index``,
then builds ``x_mix`` from ``x_a = x`` and ``x_b = x[index]``. It reports
``lam`` as the **exact** share of ``x_mix`` that comes from ``x_a``
(a float for the whole batch, or a ``(N,)`` tensor when the share differs
per sample), which is what the mixup cross-entropy and the SUMix loss need.

Two call forms, on the same object:

* ``mixer(x) -> MixOutput(inputs, index, lam)`` - used by
  :class:`~sumix_ext.models.classifiers.MixupClassifier` (and SUMix).
* ``mixer(x, batch_score) -> (x_mix, mixed_score)`` - mmpretrain's batch
  augment interface, so every mixer also works in a stock
  ``ImageClassifier`` via ``train_cfg=dict(augments=...)``. There
  ``mixed_score = lam * score + (1 - lam) * score[index]`` per sample.

Subclasses implement only the pure :meth:`BaseMixer.mix`; validation and
random draws live here.
"""
import math
import numbers
from typing import NamedTuple, Optional, Tuple, Union

import numpy as np
import torch

from .block_transport import BlockTransport

Lam = Union[float, torch.Tensor]


class MixOutput(NamedTuple):
    """What a mixer returns.

    Attributes:
        inputs (torch.Tensor): Mixed images ``(N, C, H, W)``.
        index (torch.Tensor): Partner permutation ``(N,)``: ``x_b = x[index]``.
        lam (float | torch.Tensor): Exact share of ``x_a`` in ``inputs``,
            a float or a ``(N,)`` float tensor.
        mask (torch.Tensor, optional): The mask the mixer applied, as the
            share of ``x_b`` at each pixel of ``inputs`` (1 = pixel of
            ``x_b``), ``(N or 1, 1, H, W)`` bool or float, so that
            ``inputs = (1 - mask) x_a + mask * x_b'`` and ``lam = 1 -
            mean(mask)``. None for mixers without a spatial mask (Mixup,
            or no mixing).
        paste (tuple[int, int, int, int], optional): ``(y1, x1, h, w)``
            when ``x_b`` was resized into that box (ResizeMix), so
            ``x_b' != x_b``; None when ``x_b' = x_b`` (every other mixer).
            :func:`partner_in_mix` maps any per-pixel map of ``x`` to where
            ``x_b`` lands in ``inputs``.
        source (tuple[int, int, int, int], optional): ``(y1, x1, h, w)``
            of the crop of ``x_b`` that was resized into ``paste``
            (SnapMix's asymmetric boxes); None: the whole ``x_b``.
        transport (BlockTransport, optional): The blocks of ``x_a`` and
            ``x_b`` moved before masking (PuzzleMix; :func:`self_in_mix` and
            :func:`partner_in_mix` move maps alike); None: nothing moved.

    A mix with **nothing pasted** (SnapMix's empty box, which leaves the
    batch unmixed) is ``inputs = x``, ``lam = 1.0``, an all-zero ``mask``
    and ``paste = source = None``: every consumer (``partner_in_mix``, the
    share ratios, the oracle, the fidelity tool) then sees a partner share
    of exactly 0. A box is never reported with a zero height or width.
    """
    inputs: torch.Tensor
    index: torch.Tensor
    lam: Lam
    mask: Optional[torch.Tensor] = None
    paste: Optional[Tuple[int, int, int, int]] = None
    source: Optional[Tuple[int, int, int, int]] = None
    transport: Optional[BlockTransport] = None


def partner_in_mix(out: MixOutput, maps: torch.Tensor) -> torch.Tensor:
    """Per-pixel maps of ``x_b`` as placed in the mixed images.

    ``maps[index]`` for every mixer that pastes ``x_b`` in place; moved
    block by block as ``x_b`` was for PuzzleMix (``out.transport``); for
    ResizeMix (``out.paste = (y1, x1, h, w)``) ``maps[index]`` resized
    (bilinear) into that box of an all-zero canvas; for SnapMix
    (``out.source`` too) the source crop of ``maps[index]`` resized into
    the paste box, as the mixer resized the image.

    Args:
        out (MixOutput): What the mixer returned.
        maps (torch.Tensor): ``(N, C, H, W)`` maps aligned with the clean
            batch ``x`` (e.g. pixel mass or a class activation map).

    Returns:
        torch.Tensor: ``(N, C, H, W)`` maps aligned with ``out.inputs``.
    """
    partner = maps[out.index]
    if out.transport is not None:
        return out.transport.place_b(partner)
    if out.paste is None:
        return partner
    import torch.nn.functional as F
    y1, x1, h, w = out.paste
    if h <= 0 or w <= 0:  # an empty box: nothing of x_b lands anywhere
        return torch.zeros_like(partner)
    corners = False
    if out.source is not None:  # a crop of x_b (SnapMix), as it resized
        sy, sx, sh, sw = out.source
        partner = partner[:, :, sy:sy + sh, sx:sx + sw]
        corners = True
    canvas = torch.zeros_like(maps[out.index])
    canvas[:, :, y1:y1 + h, x1:x1 + w] = F.interpolate(
        partner.float(), size=(h, w), mode='bilinear',
        align_corners=corners).to(canvas.dtype)
    return canvas


def self_in_mix(out: MixOutput, maps: torch.Tensor) -> torch.Tensor:
    """Maps of ``x_a`` as placed in the mix: ``maps``, or moved block by
    block as ``x_a`` was (PuzzleMix's ``out.transport``)."""
    if out.transport is not None:
        return out.transport.place_a(maps)
    return maps


def check_alpha(alpha, name: str = 'alpha', owner: str = 'mixer') -> float:
    """Validate a Beta concentration and return it as a float.

    Integers are accepted (``alpha=1`` in a config means ``1.0``).

    Args:
        alpha: The value to check.
        name (str): Parameter name used in the error message.
        owner (str): Class name used in the error message.

    Returns:
        float: ``float(alpha)``.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f'{owner}: {name} must be a positive number, got '
                        f'{alpha!r} ({type(alpha).__name__}); e.g. '
                        f'{name}=1.0')
    alpha = float(alpha)
    if not math.isfinite(alpha) or alpha <= 0:
        raise ValueError(f'{owner}: {name} must be a finite number > 0, got '
                         f'{alpha}; e.g. {name}=0.2 for CutMix or 1.0 for '
                         'Mixup')
    return alpha


def as_lam_tensor(lam: Lam, n: int, device=None) -> torch.Tensor:
    """Return ``lam`` as a float32 ``(n,)`` tensor.

    Args:
        lam (float | torch.Tensor): Scalar or per-sample ratio.
        n (int): Batch size.
        device: Target device.

    Returns:
        torch.Tensor: ``(n,)`` float32 tensor.
    """
    if isinstance(lam, torch.Tensor):
        return lam.to(device=device, dtype=torch.float32).expand(n)
    return torch.full((n, ), float(lam), device=device)


def mix_scores(score: torch.Tensor, index: torch.Tensor,
               lam: Lam) -> torch.Tensor:
    """Mix one-hot/soft label scores: ``lam * s + (1 - lam) * s[index]``.

    Args:
        score (torch.Tensor): ``(N, K)`` scores.
        index (torch.Tensor): ``(N,)`` permutation.
        lam (float | torch.Tensor): Scalar or ``(N,)`` share of ``x_a``.

    Returns:
        torch.Tensor: ``(N, K)`` float mixed scores.
    """
    score = score.float()
    lam_t = as_lam_tensor(lam, score.size(0), score.device)[:, None]
    return lam_t * score + (1 - lam_t) * score[index]


class BaseMixer:
    """Base class of all mixers.

    Args:
        alpha (float): Concentration of ``lam ~ Beta(alpha, alpha)``.
        avoid_self_pair (bool): If True, ``index`` has no fixed point
            (``index[i] != i`` for every ``i``), so no sample is mixed with
            itself. Defaults to False (a plain ``torch.randperm``, as in the
            papers).
    """

    def __init__(self, alpha: float = 1.0, avoid_self_pair: bool = False):
        self.alpha = check_alpha(alpha, owner=type(self).__name__)
        self.avoid_self_pair = bool(avoid_self_pair)

    # ------------------------------------------------------------ sampling
    def sample_lam(self) -> float:
        """Draw ``lam ~ Beta(alpha, alpha)`` from numpy's global RNG."""
        return float(np.random.beta(self.alpha, self.alpha))

    def sample_index(self, n: int, device=None) -> torch.Tensor:
        """Draw the partner permutation.

        With ``avoid_self_pair`` the permutation is ``p -> roll(p, 1)`` of a
        random order ``p``: every sample gets a partner other than itself.

        Args:
            n (int): Batch size.
            device: Device of the returned index.

        Returns:
            torch.Tensor: ``(n,)`` long permutation.
        """
        perm = torch.randperm(n)
        if self.avoid_self_pair:
            index = torch.empty_like(perm)
            index[perm] = perm.roll(1)
            perm = index
        return perm.to(device)

    # ------------------------------------------------------------- checks
    def check_inputs(self, inputs: torch.Tensor) -> None:
        """Validate a batch before mixing; errors say how to fix it."""
        name = type(self).__name__
        if not isinstance(inputs, torch.Tensor) or inputs.dim() != 4:
            shape = tuple(inputs.shape) if isinstance(
                inputs, torch.Tensor) else type(inputs).__name__
            raise ValueError(f'{name}: expected images of shape (N, C, H, W), '
                             f'got {shape}')
        if inputs.size(0) < 2:
            raise ValueError(
                f'{name}: batch size {inputs.size(0)} has no partner to mix '
                'with; use train_dataloader.batch_size >= 2 (and '
                'drop_last=True so the last batch is not a single image)')
        if not inputs.is_floating_point():
            raise TypeError(f'{name}: expected float images, got '
                            f'{inputs.dtype}; mix after the data '
                            'preprocessor has normalised the batch')

    # -------------------------------------------------------------- mixing
    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        """Pure mixing: build ``x_mix`` from ``inputs`` and ``inputs[index]``.

        Args:
            inputs (torch.Tensor): ``(N, C, H, W)`` batch ``x_a``.
            lam (float): Drawn ratio (before any exact correction).
            index (torch.Tensor): ``(N,)`` permutation giving ``x_b``.

        Returns:
            MixOutput: ``x_mix``, ``index``, ``lam`` (the exact share of
            ``x_a`` in ``x_mix``, float or ``(N,)`` tensor) and the applied
            ``mask`` (and ``paste`` box for ResizeMix).
        """
        raise NotImplementedError

    def __call__(self,
                 inputs: torch.Tensor,
                 batch_score: Optional[torch.Tensor] = None):
        """Mix a batch.

        Args:
            inputs (torch.Tensor): ``(N, C, H, W)`` float batch.
            batch_score (torch.Tensor, optional): ``(N, K)`` scores. If
                given, use mmpretrain's batch augment interface.

        Returns:
            MixOutput | tuple: ``MixOutput`` without ``batch_score``,
            else ``(mixed_inputs, mixed_score)``.
        """
        self.check_inputs(inputs)
        index = self.sample_index(inputs.size(0), inputs.device)
        out = self.mix(inputs, self.sample_lam(), index)
        if batch_score is None:
            return out
        return self.pack_output(out.inputs, index, out.lam, batch_score)

    def pack_output(self, mixed: torch.Tensor, index: torch.Tensor, lam: Lam,
                    batch_score: Optional[torch.Tensor] = None):
        """Return the result in the form the caller asked for.

        Args:
            mixed (torch.Tensor): Mixed images.
            index (torch.Tensor): Partner permutation.
            lam (float | torch.Tensor): Exact share of ``x_a``.
            batch_score (torch.Tensor, optional): ``(N, K)`` scores of the
                mmpretrain batch augment interface.

        Returns:
            MixOutput | tuple: ``MixOutput(mixed, index, lam)`` without
            ``batch_score``, else ``(mixed, mixed_score)``.
        """
        if batch_score is None:
            return MixOutput(mixed, index, lam)
        if batch_score.dim() != 2:
            raise ValueError(
                f'{type(self).__name__}: batch_score must be '
                f'(N, num_classes), got {tuple(batch_score.shape)}')
        return mixed, mix_scores(batch_score, index, lam)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, '
                f'avoid_self_pair={self.avoid_self_pair})')
