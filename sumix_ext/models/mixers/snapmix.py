r"""SnapMix (Huang et al., AAAI 2021): asymmetric boxes, labels from each
image's semantic percent map.

Reference: the ``snapmix`` / ``get_spm`` functions of the authors'
repository (github.com/Shaoli-Huang/SnapMix) and OpenMixup's port;
re-implemented here vectorised and device-agnostic.
"""
from typing import Tuple

import torch
import torch.nn.functional as F
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .box import clip_box, cut_size


def _box(lam: float, h: int, w: int) -> Tuple[int, int, int, int]:
    """A CutMix box of area about ``1 - lam``: ``(y1, y2, x1, x2)``."""
    cut_h, cut_w = cut_size(lam, h, w)
    cy, cx = torch.randint(h, (1, )), torch.randint(w, (1, ))
    return tuple(int(v) for v in clip_box(cy, cx, cut_h, cut_w, h, w))


@BATCH_AUGMENTS.register_module()
class BatchSnapMix(BaseMixer):
    r"""SnapMix's image mixing: a crop of ``x_b`` resized into a box of
    ``x_a``, the two boxes drawn independently.

    Two areas :math:`\lambda, \lambda_1 \sim \mathrm{Beta}(\alpha,
    \alpha)` give a target box :math:`B` in ``x_a`` (area about
    :math:`1-\lambda`) and a source box :math:`B_1` in ``x_b`` (area about
    :math:`1-\lambda_1`); ``x_b``'s crop :math:`B_1` is resized (bilinear)
    into :math:`B`. When either box is empty the batch is left unmixed
    (``lam = 1``), as in the authors' code, and reported as a mix with
    nothing pasted (all-zero mask, ``paste = source = None``; see
    :class:`~sumix_ext.models.mixers.MixOutput`). ``lam`` is the area share of
    ``x_a`` (:math:`1 - |B|/HW`); the mask is :math:`B`, ``paste`` is
    :math:`B` and ``source`` is :math:`B_1` (so
    :func:`~sumix_ext.models.mixers.partner_in_mix` places any map of
    ``x_b`` as the image was placed, and SUMix's share ratios work on it).

    The SnapMix *labels* (:func:`snapmix_ratios`) need each image's class
    activation map: :class:`~sumix_ext.models.classifiers.MixupClassifier`
    computes them from the current model (its training procedure,
    ``procedure = 'snapmix'``), and trains with
    :math:`\rho_a\,\mathrm{CE}(z, y_a) + \rho_b\,\mathrm{CE}(z, y_b)`.

    Args:
        alpha (float): Beta concentration of both box areas. Defaults to
            1.0 (the authors' default).
        avoid_self_pair (bool): See :class:`BaseMixer`.
    """

    #: its training procedure (labels from the model): see
    #: :mod:`sumix_ext.models.classifiers.procedures`
    procedure = 'snapmix'

    def __init__(self, alpha: float = 1.0, avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)

    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        h, w = inputs.shape[-2:]
        y1, y2, x1, x2 = _box(lam, h, w)
        sy1, sy2, sx1, sx2 = _box(self.sample_lam(), h, w)
        mask = torch.zeros(1, 1, h, w, dtype=torch.bool, device=inputs.device)
        if (y2 - y1) * (x2 - x1) == 0 or (sy2 - sy1) * (sx2 - sx1) == 0:
            # nothing pasted: the one representation every consumer reads
            # (an all-zero mask, no paste/source box, lam = 1)
            return MixOutput(inputs, index, 1.0, mask, None, None)
        crop = inputs[index, :, sy1:sy2, sx1:sx2]
        mixed = inputs.clone()
        mixed[:, :, y1:y2, x1:x2] = F.interpolate(
            crop.float(), size=(y2 - y1, x2 - x1), mode='bilinear',
            align_corners=True).to(inputs.dtype)
        mask[:, :, y1:y2, x1:x2] = True
        lam_exact = 1.0 - (y2 - y1) * (x2 - x1) / float(h * w)
        return MixOutput(mixed, index, lam_exact, mask,
                         (y1, x1, y2 - y1, x2 - x1),
                         (sy1, sx1, sy2 - sy1, sx2 - sx1))


def semantic_percent_map(feats: torch.Tensor, fc_weight: torch.Tensor,
                         fc_bias: torch.Tensor, target: torch.Tensor,
                         size: Tuple[int, int]) -> torch.Tensor:
    r"""SnapMix's semantic percent map (SPM) of each image for its own
    label.

    The class activation map of label :math:`y` from the last feature maps
    :math:`F` (after ReLU) and the linear classifier :math:`(W, b)`,
    :math:`M = W_y^\top \mathrm{relu}(F) + b_y`, is upsampled (bilinear) to
    the image size, shifted to a minimum of 0 and divided by its sum:

    .. math::
        S = \frac{M - \min M}{\sum (M - \min M)}

    Args:
        feats (torch.Tensor): ``(N, C, h, w)`` last feature maps.
        fc_weight (torch.Tensor): ``(K, C)`` classifier weights.
        fc_bias (torch.Tensor): ``(K,)`` classifier bias.
        target (torch.Tensor): ``(N,)`` labels.
        size (tuple[int, int]): Image size ``(H, W)``.

    Returns:
        torch.Tensor: ``(N, H, W)`` maps, each summing to 1 (NaN where a
        map is constant: SnapMix then falls back to the area).
    """
    fms = F.relu(feats.float())
    w = fc_weight.float()[target]  # (N, C)
    cam = torch.einsum('nchw,nc->nhw', fms, w) + fc_bias.float()[target][
        :, None, None]
    cam = F.interpolate(cam[:, None], size=size, mode='bilinear',
                        align_corners=False)[:, 0]
    cam = cam - cam.flatten(1).min(dim=1).values[:, None, None]
    return cam / cam.flatten(1).sum(dim=1)[:, None, None]


def snapmix_ratios(spm: torch.Tensor, out: MixOutput, target: torch.Tensor
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
    r"""SnapMix's label weights, not normalised to sum 1.

    With the semantic percent maps :math:`S` of the clean batch
    (:func:`semantic_percent_map`), the target box :math:`B` and the
    source box :math:`B_1`:

    .. math::
        \rho_a = 1 - \sum_{B} S_a, \qquad \rho_b = \sum_{B_1} S_b

    For pairs of the same label the two weights are both set to
    :math:`\rho_a + \rho_b`; where a map is degenerate (NaN) the area is
    used, :math:`\rho_a = \lambda`, :math:`\rho_b = 1 - \lambda`; an
    unmixed batch gets :math:`\rho_a = 1, \rho_b = 0`. The loss is
    :math:`\rho_a\,\mathrm{CE}(z, y_a) + \rho_b\,\mathrm{CE}(z, y_b)`.

    Args:
        spm (torch.Tensor): ``(N, H, W)`` maps of the clean batch.
        out (MixOutput): :class:`BatchSnapMix`'s output.
        target (torch.Tensor): ``(N,)`` labels.

    Returns:
        tuple: ``(rho_a, rho_b)``, ``(N,)`` float tensors.
    """
    n = spm.size(0)
    ones = torch.ones(n, device=spm.device)
    if out.paste is None or out.source is None:  # nothing pasted
        return ones, torch.zeros_like(ones)
    y1, x1, h, w = out.paste
    sy, sx, sh, sw = out.source
    if h * w == 0 or sh * sw == 0:
        return ones, torch.zeros_like(ones)
    rho_a = 1 - spm[:, y1:y1 + h, x1:x1 + w].sum(dim=(1, 2))
    rho_b = spm[out.index, sy:sy + sh, sx:sx + sw].sum(dim=(1, 2))
    same = target == target[out.index]
    rho_a, rho_b = (torch.where(same, rho_a + rho_b, rho_a),
                    torch.where(same, rho_b + rho_a, rho_b))
    lam = float(out.lam)
    rho_a = torch.where(torch.isnan(rho_a), torch.full_like(rho_a, lam),
                        rho_a)
    rho_b = torch.where(torch.isnan(rho_b), torch.full_like(rho_b, 1 - lam),
                        rho_b)
    return rho_a, rho_b
