"""CutMix (Yun et al., ICCV 2019, "CutMix: Regularization Strategy to Train
Strong Classifiers with Localizable Features")."""
import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput
from .box import box_mask, clip_box, cut_size


@BATCH_AUGMENTS.register_module()
class BatchCutMix(BaseMixer):
    r"""CutMix with one box for the whole batch and an exact ``lam``.

    Draw :math:`\lambda \sim \mathrm{Beta}(\alpha, \alpha)`, a box of side
    :math:`\sqrt{1-\lambda}\,(H, W)` centred uniformly at random, clipped to
    the image, and paste ``x_b = x[index]`` into it:

    .. math::
        x_{mix} = M \odot x_a + (1 - M) \odot x_b, \qquad
        \lambda_{exact} = 1 - \frac{|box|}{HW}

    so the reported ``lam`` is the exact share of pixels of ``x_a``.

    Args:
        alpha (float): Beta concentration. Defaults to 0.2 (the SUMix paper).
        avoid_self_pair (bool): Never pair a sample with itself.
    """

    def __init__(self, alpha: float = 0.2, avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)

    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        h, w = inputs.shape[-2:]
        cut_h, cut_w = cut_size(lam, h, w)
        cy = torch.randint(h, (1, ))
        cx = torch.randint(w, (1, ))
        y1, y2, x1, x2 = (int(v) for v in clip_box(cy, cx, cut_h, cut_w, h, w))
        mixed = inputs.clone()
        mixed[:, :, y1:y2, x1:x2] = inputs[index, :, y1:y2, x1:x2]
        lam_exact = 1.0 - (y2 - y1) * (x2 - x1) / float(h * w)
        mask = box_mask(*(torch.tensor([v], device=inputs.device)
                          for v in (y1, y2, x1, x2)), h, w)
        return MixOutput(mixed, index, lam_exact, mask)
