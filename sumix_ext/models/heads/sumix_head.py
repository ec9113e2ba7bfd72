"""Linear classification head with the SUMix uncertainty branch."""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.registry import MODELS


@MODELS.register_module()
class SUMixHead(LinearClsHead):
    r"""``LinearClsHead`` plus the uncertainty branch used by SUMix.

    The class branch is mmpretrain's ``fc``: :math:`z = W f + b`. The
    uncertainty branch is a second linear layer ``fc_unc``:

    .. math::
        u = \mathrm{rownorm}_{L2}(\mathrm{softmax}(W_u f + b_u))
        \quad (\text{is\_norm=True}), \qquad u = z \quad (\text{otherwise})

    :meth:`forward` and :meth:`predict` return class logits only, so the
    head is a drop-in ``LinearClsHead`` for evaluation and for stock
    mmpretrain training.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Feature channels.
        is_norm (bool): Use the normalised ``fc_unc`` branch (default True);
            if False the uncertainty is the class logits themselves.
        **kwargs: Passed to ``LinearClsHead`` (``loss``, ``topk``,
            ``init_cfg``...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 is_norm: bool = True,
                 **kwargs):
        super().__init__(num_classes, in_channels, **kwargs)
        self.is_norm = is_norm
        if is_norm:
            self.fc_unc = nn.Linear(in_channels, num_classes)

    def forward_sumix(self, feats: Tuple[torch.Tensor]
                      ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Class logits and uncertainty for SUMix.

        Args:
            feats (tuple[torch.Tensor]): Neck outputs; the last is used.

        Returns:
            tuple: ``(cls_score, uncertainty)``, both ``(N, num_classes)``.
        """
        pre_logits = self.pre_logits(feats)
        cls_score = self.fc(pre_logits)
        if not self.is_norm:
            return cls_score, cls_score
        unc = F.normalize(F.softmax(self.fc_unc(pre_logits), dim=1), dim=1)
        return cls_score, unc
