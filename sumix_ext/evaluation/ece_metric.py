"""Expected calibration error as an MMEngine metric (``val_evaluator`` /
``test_evaluator``), next to mmpretrain's ``Accuracy``."""
from typing import List, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS

from .calibration import reliability_bins


@METRICS.register_module()
class ECE(BaseMetric):
    r"""Expected calibration error of the predicted class, in percent.

    .. math::
        \mathrm{ECE} = \sum_m \frac{|B_m|}{n}\,|\mathrm{acc}(B_m) -
        \mathrm{conf}(B_m)|

    over ``num_bins`` equal-width confidence bins (Guo et al., 2017; the
    same bins as ``tools/analysis_tools/calibration.py``).

    Example::

        test_evaluator = [dict(type='Accuracy', topk=(1, )),
                          dict(type='ECE', num_bins=15)]

    Args:
        num_bins (int): Confidence bins. Defaults to 15.
        collect_device (str): Where results are gathered under DDP.
        prefix (str, optional): Metric name prefix. Defaults to
            ``'calibration'``.
    """
    default_prefix = 'calibration'

    def __init__(self, num_bins: int = 15, collect_device: str = 'cpu',
                 prefix=None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(num_bins, bool) or not isinstance(
                num_bins, int) or num_bins < 1:
            raise ValueError(f'ECE: num_bins must be an int >= 1, got '
                             f'{num_bins!r}; e.g. 15')
        self.num_bins = num_bins

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each sample's class probabilities and label."""
        for sample in data_samples:
            self.results.append(dict(
                scores=sample['pred_score'].detach().float().cpu(),
                label=int(sample['gt_label'].reshape(-1)[0])))

    def compute_metrics(self, results: List[dict]) -> dict:
        """``{'ece': percent}`` over all gathered samples."""
        probs = torch.stack([r['scores'] for r in results])
        labels = torch.tensor([r['label'] for r in results])
        return dict(ece=100.0 * reliability_bins(probs, labels,
                                                 self.num_bins).ece)
