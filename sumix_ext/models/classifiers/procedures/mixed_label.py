"""The mixed-label cross-entropy every procedure and the plain mixer path
share."""
import torch
import torch.nn.functional as F

from ...losses import mixup_cross_entropy
from ...mixers import mix_scores


def mixed_label_loss(model, logits: torch.Tensor, target: torch.Tensor,
                     index: torch.Tensor, lam) -> torch.Tensor:
    r"""Cross-entropy against :math:`\lambda y_a + (1-\lambda) y_b`
    (``lam`` a float or ``(N,)``): computed directly for the plain
    cross-entropy, else the head's own loss (e.g. ``LabelSmoothLoss`` of an
    mmpretrain recipe) on the mixed soft targets, as mmpretrain does for its
    batch augments; ``model.mix_loss`` (e.g. DecoupleMix) when set."""
    if getattr(model, 'mix_loss', None) is not None:
        return model.mix_loss(logits, target, target[index], lam)
    if model._head_loss_is_plain_ce():
        return mixup_cross_entropy(logits, target, target[index], lam)
    onehot = F.one_hot(target, logits.size(1)).float()
    return model.head.loss_module(logits, mix_scores(onehot, index, lam),
                                  avg_factor=logits.size(0))
