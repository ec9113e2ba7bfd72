"""Mixup cross-entropy (soft CE with weights lam and 1 - lam)."""
from typing import Union

import torch
import torch.nn.functional as F

from ..mixers.base import as_lam_tensor


def mixup_cross_entropy(logits: torch.Tensor, y_a: torch.Tensor,
                        y_b: torch.Tensor,
                        lam: Union[float, torch.Tensor]) -> torch.Tensor:
    r"""Cross-entropy against the mixed label :math:`\lambda y_a +
    (1-\lambda) y_b`:

    .. math::
        L = \frac1N \sum_i \lambda_i\,ce(z_i, y_{a,i}) +
            (1-\lambda_i)\,ce(z_i, y_{b,i})

    Args:
        logits (torch.Tensor): ``(N, K)`` logits of the mixed batch.
        y_a (torch.Tensor): ``(N,)`` labels of ``x_a``.
        y_b (torch.Tensor): ``(N,)`` labels of ``x_b``.
        lam (float | torch.Tensor): Share of ``x_a``, scalar or ``(N,)``.

    Returns:
        torch.Tensor: Scalar loss.
    """
    logits = logits.float()
    ce_a = F.cross_entropy(logits, y_a, reduction='none')
    ce_b = F.cross_entropy(logits, y_b, reduction='none')
    lam = as_lam_tensor(lam, logits.size(0), logits.device)
    return (lam * ce_a + (1 - lam) * ce_b).mean()
