"""SaliencyMix (Uddin et al., ICLR 2021, "SaliencyMix: A Saliency Guided Data
Augmentation Strategy for Better Regularization")."""
import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .box import box_mask, clip_box, cut_size
from .mask_ops import mix_hard
from .saliency_map import saliency_peak

#: smallest image side the spectral-residual filters accept
MIN_SIZE = 2


@BATCH_AUGMENTS.register_module()
class BatchSaliencyMix(BaseMixer):
    r"""SaliencyMix: a CutMix box centred on the most salient point of x_b.

    Draw :math:`\lambda \sim \mathrm{Beta}(\alpha, \alpha)`; the box has side
    :math:`\lfloor\sqrt{1-\lambda}\,(H, W)\rfloor`, is centred on the peak of
    the spectral residual saliency map of ``x_b`` (Hou & Zhang, CVPR 2007;
    see :func:`.saliency_map.spectral_residual_saliency`), is clipped to
    the image, and ``x_b`` is pasted into it:

    .. math::
        x_{mix} = (1 - M) \odot x_a + M \odot x_b, \qquad
        \lambda_{exact} = 1 - \frac{|box|}{HW}

    Args:
        alpha (float): Beta concentration. Defaults to 0.2 (SUMix paper).
        per_sample (bool): True (default): one saliency map and one box per
            sample (from that sample's own ``x_b``), so clipping differs per
            sample and ``lam`` is a ``(N,)`` tensor. False: the authors'
            batch-level behaviour, one saliency map of ``x[index[0]]`` and one
            box for the whole batch (``lam`` a float).
        avoid_self_pair (bool): Never pair a sample with itself.
    """

    def __init__(self, alpha: float = 0.2, per_sample: bool = True,
                 avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        self.per_sample = bool(per_sample)

    def check_inputs(self, inputs: torch.Tensor) -> None:
        """Base checks plus the smallest image the saliency filters take."""
        super().check_inputs(inputs)
        h, w = inputs.shape[-2:]
        if h < MIN_SIZE or w < MIN_SIZE:
            raise ValueError(
                f'BatchSaliencyMix: images of {h}x{w} pixels are too small '
                'for the saliency map (its filters need at least '
                f'{MIN_SIZE}x{MIN_SIZE}); resize the images or use '
                'BatchCutMix')

    def mix(self, inputs: torch.Tensor, lam: float, index: torch.Tensor
            ) -> MixOutput:
        h, w = inputs.shape[-2:]
        cut_h, cut_w = cut_size(lam, h, w)
        if self.per_sample:
            # saliency of every x, then each sample's partner peak
            cy, cx = saliency_peak(inputs)
            cy, cx = cy[index], cx[index]
        else:
            cy, cx = saliency_peak(inputs[index[:1]])
        y1, y2, x1, x2 = clip_box(cy, cx, cut_h, cut_w, h, w)
        mask = box_mask(y1, y2, x1, x2, h, w)
        lam_exact = 1.0 - ((y2 - y1) * (x2 - x1)).float() / float(h * w)
        if not self.per_sample:
            lam_exact = float(lam_exact[0])
        return MixOutput(mix_hard(inputs, index, mask), index, lam_exact, mask)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, per_sample='
                f'{self.per_sample}, avoid_self_pair={self.avoid_self_pair})')
