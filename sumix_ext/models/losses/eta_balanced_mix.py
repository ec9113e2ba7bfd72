r"""SAMix's eta-balanced mixup loss (Li et al., arXiv 2111.15454), the loss
its Mixer (Mix Block) learns from, as OpenMixup computes it.

The mixed label :math:`y = \lambda\,\mathrm{onehot}(y_a) +
(1-\lambda)\,\mathrm{onehot}(y_b)` splits the classes into the two mixed
ones (:math:`y_c > 0`: the *local* term, smoothness between the two) and
the others (:math:`y_c = 0`: the *global* term, discrimination from the
rest). OpenMixup balances them with a class weight :math:`w_c = 1` for
:math:`y_c > 0` and :math:`w_c = \eta` otherwise (``ClsMixupHead``'s
``neg_weight``, commented "eta in SAMix"):

.. math::
    \mathrm{softmax}:\ L = -\frac1N \sum_i \sum_c w_c\, y_{ic}
        \log \mathrm{softmax}(z_i)_c \qquad
    \mathrm{sigmoid}:\ L = \frac1N \sum_i \sum_c w_c\,
        \mathrm{BCE}(z_{ic}, y_{ic})

In the softmax form (``use_sigmoid=False``, what OpenMixup's released
CIFAR-100 and Tiny-ImageNet SAMix configs use: ``use_soft=True``) every
weighted term has :math:`y_c = 0`, so :math:`\eta` changes nothing and the
loss **equals the mixup cross-entropy**; this is kept as the faithful
default. The sigmoid form (``use_sigmoid=True``: the binary
cross-entropy OpenMixup's head docstring asks for with ``neg_weight``)
is where :math:`\eta` down-weights the other classes' terms.

Reference: OpenMixup ``ClsMixupHead.loss`` (``neg_weight``) and
``soft_cross_entropy`` / ``binary_cross_entropy``
(``openmixup/models/heads/cls_mixup_head.py``,
``openmixup/models/losses/cross_entropy_loss.py``); vectorised, ``lam``
scalar or ``(N,)``.
"""
from typing import Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from ..mixers.base import as_lam_tensor


def eta_balanced_mix_loss(logits: torch.Tensor, y_a: torch.Tensor,
                          y_b: torch.Tensor,
                          lam: Union[float, torch.Tensor], eta: float = 0.5,
                          use_sigmoid: bool = False) -> torch.Tensor:
    """The eta-balanced mixup loss (see the module docstring).

    Args:
        logits (torch.Tensor): ``(N, K)`` logits of the mixed batch.
        y_a (torch.Tensor): ``(N,)`` labels of ``x_a``.
        y_b (torch.Tensor): ``(N,)`` labels of ``x_b``.
        lam (float | torch.Tensor): Share of ``x_a``, scalar or ``(N,)``.
        eta (float): Weight of the classes outside the mix, in [0, 1].
        use_sigmoid (bool): Binary cross-entropy per class instead of the
            softmax cross-entropy.

    Returns:
        torch.Tensor: Scalar loss.
    """
    logits = logits.float()
    n, k = logits.shape
    lam_t = as_lam_tensor(lam, n, logits.device)[:, None]
    target = lam_t * F.one_hot(y_a, k) + (1 - lam_t) * F.one_hot(y_b, k)
    weight = (target > 0).float().clamp(min=float(eta))
    if use_sigmoid:
        per = F.binary_cross_entropy_with_logits(logits, target,
                                                 reduction='none')
    else:
        per = -target * F.log_softmax(logits, dim=1)
    return (weight * per).sum(dim=1).mean()


@MODELS.register_module()
class EtaBalancedMixLoss(nn.Module):
    """Module form of :func:`eta_balanced_mix_loss`, called as
    ``loss(logits, y_a, y_b, lam)`` (like ``DecoupleMixLoss``).

    Args:
        eta (float): Weight of the classes outside the mix. Defaults to
            0.5 (OpenMixup's SAMix configs: ``neg_weight=0.5``).
        use_sigmoid (bool): Binary cross-entropy form. Defaults to False
            (the released configs' softmax form, equal to the mixup CE).
    """

    def __init__(self, eta: float = 0.5, use_sigmoid: bool = False):
        super().__init__()
        if not 0 <= float(eta) <= 1:
            raise ValueError('EtaBalancedMixLoss: eta must be in [0, 1] '
                             f'(the weight of the other classes), got {eta}')
        self.eta = float(eta)
        self.use_sigmoid = bool(use_sigmoid)

    def forward(self, logits, y_a, y_b, lam) -> torch.Tensor:
        return eta_balanced_mix_loss(logits, y_a, y_b, lam, self.eta,
                                     self.use_sigmoid)
