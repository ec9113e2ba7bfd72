"""Expected calibration error and reliability-diagram bins."""
from typing import NamedTuple

import torch


class ReliabilityBins(NamedTuple):
    """Per-bin statistics of a reliability diagram.

    Attributes:
        edges (torch.Tensor): ``(M + 1,)`` bin edges ``0, 1/M, ..., 1``.
        count (torch.Tensor): ``(M,)`` samples per bin.
        confidence (torch.Tensor): ``(M,)`` mean confidence per bin (0 when
            the bin is empty).
        accuracy (torch.Tensor): ``(M,)`` accuracy per bin (0 when empty).
        ece (float): Expected calibration error in ``[0, 1]``.
    """
    edges: torch.Tensor
    count: torch.Tensor
    confidence: torch.Tensor
    accuracy: torch.Tensor
    ece: float


def reliability_bins(probs: torch.Tensor, labels: torch.Tensor,
                     n_bins: int = 15) -> ReliabilityBins:
    r"""Bin predictions by confidence and compute the ECE.

    With confidence :math:`p_i = \max_c \mathrm{softmax}(z_i)_c`, correctness
    :math:`c_i = [\arg\max_c z_{ic} = y_i]` and equal-width bins
    :math:`B_m = \{i : p_i \in (\frac{m-1}{M}, \frac{m}{M}]\}`:

    .. math::
        \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{n}
        \left| \mathrm{acc}(B_m) - \mathrm{conf}(B_m) \right|

    (Guo et al., 2017). A confidence of exactly 0 falls in the first bin.

    Args:
        probs (torch.Tensor): ``(N, C)`` class probabilities (rows sum to 1).
        labels (torch.Tensor): ``(N,)`` integer ground-truth classes.
        n_bins (int): Number of bins ``M`` (default 15, the usual choice).

    Returns:
        ReliabilityBins: Bin edges, counts, mean confidence and accuracy
        per bin, and the ECE.
    """
    if probs.ndim != 2 or labels.ndim != 1 or len(probs) != len(labels):
        raise ValueError('reliability_bins: probs must be (N, C) and labels '
                         f'(N,), got {tuple(probs.shape)} and '
                         f'{tuple(labels.shape)}')
    if len(probs) == 0:
        raise ValueError('reliability_bins: no predictions; evaluate at '
                         'least one image')
    if n_bins < 1:
        raise ValueError(f'n_bins must be >= 1, got {n_bins}')
    probs = probs.detach().double().cpu()
    conf, pred = probs.max(dim=1)
    correct = (pred == labels.cpu()).double()
    idx = (torch.ceil(conf * n_bins).long() - 1).clamp_(0, n_bins - 1)
    count = torch.bincount(idx, minlength=n_bins).double()
    conf_sum = torch.bincount(idx, weights=conf, minlength=n_bins)
    acc_sum = torch.bincount(idx, weights=correct, minlength=n_bins)
    safe = count.clamp(min=1)
    mean_conf, mean_acc = conf_sum / safe, acc_sum / safe
    ece = ((count / len(probs)) * (mean_acc - mean_conf).abs()).sum()
    return ReliabilityBins(
        edges=torch.linspace(0, 1, n_bins + 1, dtype=torch.float64),
        count=count.long(), confidence=mean_conf, accuracy=mean_acc,
        ece=float(ece))
