r"""AutoMix and SAMix: a learned Mix Block beside the classifier.

AutoMix (Liu et al., ECCV 2022) and SAMix (Li et al., arXiv 2111.15454)
train two things at once: the classifier, on mixes made by a learned mask,
and the Mix Block that makes the mask, through a momentum (EMA) copy of the
classifier. One training step on a batch :math:`x` with labels :math:`y`:

1. :math:`\lambda_{mb}, \lambda_{bb} \sim \mathrm{Beta}(\alpha, \alpha)`,
   two partner permutations :math:`\pi_{mb}, \pi_{bb}`.
2. The momentum encoder's features of :math:`x` at ``mask_stage``
   (no gradient) feed the Mix Block twice: mask :math:`M_{mb}` for
   :math:`(\lambda_{mb}, \pi_{mb})` (with gradient), mask :math:`M_{bb}`
   for :math:`(\lambda_{bb}, \pi_{bb})` (**detached**; optionally rescaled
   to mean :math:`\lambda_{bb}` with probability ``mask_adjust``; a
   constant :math:`\lambda_{bb}` (plain Mixup) when :math:`\lambda_{bb}` is
   within ``lam_margin`` of 0 or 1).
3. Losses (summed by mmengine's ``parse_losses``):

   * ``loss_mix_block``: the mixup loss of the **momentum** encoder and
     its mixup head on :math:`x_{mb} = M_{mb,0} x + M_{mb,1} x[\pi_{mb}]`
     with label :math:`\lambda_{mb}`; the encoder's parameters are frozen
     (``requires_grad=False``), so only the Mix Block learns from it
     (SAMix: ``mix_block_loss=EtaBalancedMixLoss``);
   * ``loss_mask``: ``mask_loss`` x the Mix Block's mask regulariser on
     :math:`M_{mb}` (ties its mean to :math:`\lambda_{mb}`); with
     ``mask_loss_decay='cosine'`` the weight at iteration :math:`t` of
     :math:`T` is :math:`w_t = w_{t-1}(1 + \cos(\pi t/T))/2`,
     :math:`w_{-1} =` ``mask_loss`` (OpenMixup's
     ``CustomCosineAnnealingHook(min_attr=0, by_epoch=False)`` as it runs
     in its transformer configs: the hook anneals from the *current*
     value, so the factors multiply: over 100k iterations the weight is
     below 1% of its start after 3.8% of them);
   * ``loss_one``: cross-entropy of the online classifier (``backbone ->
     neck -> head``) on the clean :math:`x` (or on ``aux_mixer``'s
     hand-crafted mix with its mixed label);
   * ``loss_mix``: the mixup cross-entropy of the online backbone and a
     second head, ``head_mix``, on :math:`x_{bb}` made with the detached
     :math:`M_{bb}`, label :math:`\lambda_{bb}`.

   So the Mix Block gets gradient only from ``loss_mix_block`` and
   ``loss_mask``, the classifier only from ``loss_one`` and ``loss_mix``.
   With ``free_momentum_graph`` the gradient of ``loss_mix_block`` at
   :math:`x_{mb}` is taken at once (:func:`~.automix_momentum.
   through_input`), and with ``free_one_hot_graph`` the online
   parameters' gradients of ``loss_one`` (:func:`~.automix_momentum.
   carry_grads`): same gradients, and each graph is freed before the next
   pass (OpenMixup holds all three graphs to one backward).
4. After the optimizer step (:meth:`after_train_step`, called by
   :meth:`train_step` on one process and by ``SUMixDistributedDataParallel``
   under DDP): the momentum encoder
   (backbone, neck, ``head_mix``) becomes :math:`\theta_k \leftarrow m
   \theta_k + (1-m)\theta_q` (parameters; its BatchNorm statistics are its
   own, from its train-mode forwards, as OpenMixup). :math:`m` follows
   OpenMixup's ``CosineScheduleHook``: ``momentum`` for the first
   ``momentum_begin`` of the iterations, then :math:`m_{end} - (m_{end} -
   m_0)(\cos(\pi t/T) + 1)/2`.

The momentum encoder and the Mix Block are submodules: every checkpoint
holds them, so ``--resume`` continues exactly. :meth:`predict` is the plain
classifier (online ``backbone -> neck -> head``).

Reference: OpenMixup ``openmixup/models/classifiers/automix.py``
(``AutoMixup``) and its CIFAR-100 / Tiny-ImageNet configs; what differs
is in ``docs/mixers.md`` ("AutoMix and SAMix").
"""
import copy
from typing import List, Optional

import numpy as np
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..mixers import build_mixer
from ..utils.mix_block import PixelMixBlock, adjust_mask  # noqa: F401
from .automix_build import (NAME, SUMIX_REASON,  # noqa: F401
                            can_free_graphs, check_arguments,
                            momentum_backbone, probe_stage_channels,
                            refuse_other_ddp_wrappers, stage_features,
                            without_uncertainty_branch)
from .automix_mix import classifier_mask, mix_with_masks  # noqa: F401
from .automix_momentum import (MomentumEncoderMixin,  # noqa: F401
                               carry_grads, cosine_momentum, through_input)
from .mixup_classifier import MixupClassifier
from .procedures import procedure_of
from .procedures.mixed_label import mixed_label_loss


@MODELS.register_module()
class AutoMixClassifier(MomentumEncoderMixin, MixupClassifier):
    """AutoMix / SAMix classifier (see the module docstring).

    Args:
        backbone (dict): Backbone config (the online encoder).
        neck (dict, optional): Neck config.
        head (dict): One-hot head (``predict`` uses it); ``head_mix`` is a
            second head of the same config. A ``SUMixHead`` becomes a
            ``LinearClsHead``.
        mix_block (dict): Mix Block config, e.g. ``dict(type=
            'PixelMixBlock', up_mode='nearest', mask_loss_mode='L1',
            mask_loss_margin=0.1)``; ``in_channels`` is read from the
            backbone when left out.
        mask_stage (int): Backbone stage (0-based, as ``out_indices``)
            whose features feed the Mix Block. Defaults to 2 (OpenMixup's
            ``mask_layer=2``: ResNet stage 3).
        alpha (float): :math:`\\lambda \\sim Beta(\\alpha, \\alpha)`.
            Defaults to 2.0.
        momentum (float): EMA coefficient of the momentum encoder (1: never
            updated). Defaults to 0.999.
        momentum_end (float, optional): Cosine schedule to this value (None:
            constant). OpenMixup's configs: 0.999999.
        momentum_begin (float): Share of the iterations at ``momentum``
            before the cosine applies. Defaults to 0.1.
        mask_loss (float): Weight of the Mix Block's mask regulariser.
            Defaults to 0.1.
        mask_loss_decay (str, optional): ``'cosine'``: the weight decays as
            OpenMixup's transformer configs (module docstring; kept in the
            buffer ``mask_loss_weight``, so it resumes exactly); None:
            constant (its CNN configs). Defaults to None.
        mask_adjust (float): Probability of rescaling the classifier's mask
            to mean lam. Defaults to 0.
        lam_margin (float): A lam within this of 0 or 1 gives the classifier
            a plain Mixup mix. Defaults to 0.08.
        mix_block_loss (dict, optional): The Mix Block's mixup loss, called
            as ``loss(logits, y_a, y_b, lam)`` (SAMix:
            ``dict(type='EtaBalancedMixLoss', eta=0.5)``); None: the
            classifier's mixup cross-entropy.
        aux_mixer (dict, optional): A hand-crafted mixer for the one-hot
            branch (OpenMixup's ``head_one_mix``), e.g. a ``RandomMixer`` of
            Mixup and CutMix; None: the clean batch.
        free_momentum_graph (bool): Take the Mix Block loss's gradient at
            its mixed input at once, freeing the momentum encoder's graph
            before the online forwards (same gradients, less peak memory;
            off, with a warning, where the backbone has ``with_cp=True``);
            False: one backward over every graph, as OpenMixup. Defaults
            to True.
        free_one_hot_graph (bool): Take ``loss_one``'s gradients of the
            online encoder at once, freeing its graph before the mixed
            pass (same gradients, one parameter-sized buffer instead of a
            pass's activations; off with ``with_cp=True``, as above).
            Defaults to True.
        **kwargs: ``MixupClassifier`` arguments (``data_preprocessor``,
            ``nonfinite_loss``, ``channels_last``, ``init_cfg``...);
            ``mixer``, ``sumix`` and ``mix_loss`` must be None.
    """

    def __init__(self, backbone: dict, neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 mix_block: Optional[dict] = None, mask_stage: int = 2,
                 alpha: float = 2.0, momentum: float = 0.999,
                 momentum_end: Optional[float] = None,
                 momentum_begin: float = 0.1, mask_loss: float = 0.1,
                 mask_loss_decay: Optional[str] = None,
                 mask_adjust: float = 0., lam_margin: float = 0.08,
                 mix_block_loss: Optional[dict] = None,
                 aux_mixer: Optional[dict] = None,
                 free_momentum_graph: bool = True,
                 free_one_hot_graph: bool = True, **kwargs):
        check_arguments(kwargs, mix_block, alpha, momentum, momentum_end,
                        momentum_begin, mask_loss, mask_adjust, lam_margin,
                        mask_stage)
        head = without_uncertainty_branch(head)
        super().__init__(backbone, neck=neck, head=head, **kwargs)
        self.alpha, self.mask_stage = float(alpha), int(mask_stage)
        self.momentum = self.base_momentum = float(momentum)
        self.momentum_end, self.momentum_begin = momentum_end, momentum_begin
        self.mask_loss, self.mask_adjust = float(mask_loss), float(mask_adjust)
        if mask_loss_decay not in (None, 'cosine'):
            raise ValueError(f"{NAME}: mask_loss_decay must be None or "
                             f"'cosine', got {mask_loss_decay!r}")
        self.mask_loss_decay = mask_loss_decay
        if mask_loss_decay is not None:
            self.register_buffer('mask_loss_weight',
                                 torch.tensor(self.mask_loss))
        self.lam_margin = float(lam_margin)
        self._loss_scale = 1.0  # the step's loss factor (before_train_step)
        self.head_mix = MODELS.build(copy.deepcopy(head))
        self.backbone_k = momentum_backbone(self, backbone)
        self.free_momentum_graph, self.free_one_hot_graph = can_free_graphs(
            self, bool(free_momentum_graph), bool(free_one_hot_graph))
        self.neck_k = copy.deepcopy(self.neck) if self.with_neck else None
        self.head_mix_k = copy.deepcopy(self.head_mix)
        for module in self._momentum_pairs():
            module[1].requires_grad_(False)
        mix_block = dict(mix_block)
        channels = probe_stage_channels(self, backbone)
        if mix_block.setdefault('in_channels', channels) != channels:
            raise ValueError(
                f"{NAME}: mix_block.in_channels={mix_block['in_channels']} "
                f'but stage {mask_stage} of the backbone has {channels} '
                f'channels; set model.mix_block.in_channels={channels} (or '
                'leave it out)')
        self.mix_block = MODELS.build(mix_block)
        self.mix_block_loss = MODELS.build(mix_block_loss) if isinstance(
            mix_block_loss, dict) else mix_block_loss
        self.aux_mixer = build_mixer(aux_mixer) if aux_mixer else None
        if procedure_of(self.aux_mixer) is not None:
            raise ValueError(f'{NAME}: aux_mixer must mix images only; '
                             f'{type(self.aux_mixer).__name__} needs the '
                             'model (a training procedure)')
        self._in_train_step = False
        #: set by ``SUMixDistributedDataParallel``, which calls
        #: :meth:`after_train_step` after each step under DDP
        self.stepped_by_wrapper = False
        self._copy_to_momentum()
        if self.channels_last:  # the modules built after MixupClassifier's
            self.to(memory_format=torch.channels_last)

    def train_step(self, data, optim_wrapper: OptimWrapper) -> dict:
        """:meth:`before_train_step`, ``MixupClassifier.train_step``, then
        :meth:`after_train_step`."""
        self.before_train_step(optim_wrapper)
        self._in_train_step = True
        try:
            log_vars = super().train_step(data, optim_wrapper)
        finally:
            self._in_train_step = False
        self.after_train_step()
        return log_vars

    # ---------------------------------------------------------- training
    def _momentum_logits(self, x: torch.Tensor) -> torch.Tensor:
        outs = self.backbone_k(x)
        feats = tuple(outs[i] for i in self._head_pos)
        if self.neck_k is not None:
            feats = self.neck_k(feats)
        return self.head_mix_k(feats)

    def mix_masks(self, x: torch.Tensor, lam_mb: float, lam_bb: float,
                  index_mb: torch.Tensor, index_bb: torch.Tensor):
        """The Mix Block's masks for its own loss (with gradient) and for
        the classifier (detached, adjusted as configured)."""
        with torch.no_grad():
            feats = stage_features(self, x)
        size = x.shape[-2:]
        mask_mb = self.mix_block(feats, lam_mb, index_mb, size)
        return mask_mb, classifier_mask(self, feats, lam_bb, index_bb, size)

    def _mix_block_ce(self, logits, target, index, lam) -> torch.Tensor:
        if self.mix_block_loss is not None:
            return self.mix_block_loss(logits, target, target[index], lam)
        return mixed_label_loss(self, logits, target, index, lam)

    def _one_hot_loss(self, x, target, data_samples) -> torch.Tensor:
        if self.aux_mixer is None:
            return self.head.loss(self.extract_feat(x), data_samples)['loss']
        mixed = self.aux_mixer(x)
        logits = self.head(self.extract_feat(self._memory_format(
            mixed.inputs)))
        return mixed_label_loss(self, logits, target, mixed.index, mixed.lam)

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> dict:
        """The four losses of one AutoMix/SAMix step (module docstring) and
        logged scalars: ``lam_mix_block``, ``lam_classifier`` and
        ``mask_share`` (mean share of ``x`` in the Mix Block's mask)."""
        if not self._in_train_step and not self.stepped_by_wrapper:
            refuse_other_ddp_wrappers()
        n = inputs.size(0)
        if n < 2:
            raise ValueError(f'{NAME}: batch size {n} has no partner to mix '
                             'with; use train_dataloader.batch_size >= 2 '
                             '(and drop_last=True)')
        target = self._targets(data_samples, inputs.device)
        lam_mb, lam_bb = (float(v) for v in np.random.beta(
            self.alpha, self.alpha, 2))
        index_bb = torch.randperm(n).to(inputs.device)
        index_mb = torch.randperm(n).to(inputs.device)
        mask_mb, mask_bb = self.mix_masks(inputs, lam_mb, lam_bb, index_mb,
                                          index_bb)
        x_mb = self._memory_format(mix_with_masks(inputs, index_mb, mask_mb))
        loss_mb = self._mix_block_ce(self._momentum_logits(x_mb), target,
                                     index_mb, lam_mb)
        if self.free_momentum_graph:
            loss_mb = through_input(loss_mb, x_mb, self._loss_scale)
        losses = dict(loss_mix_block=loss_mb)
        if self.mask_loss > 0:
            losses['loss_mask'] = self._mask_loss_weight() * \
                self.mix_block.mask_loss(mask_mb, lam_mb)
        losses['loss_one'] = self._one_hot_loss(inputs, target, data_samples)
        if self.free_one_hot_graph:
            losses['loss_one'] = carry_grads(
                losses['loss_one'], self.parameters(), self._loss_scale)
        x_bb = self._memory_format(mix_with_masks(inputs, index_bb, mask_bb))
        logits = self.head_mix(self.extract_feat(x_bb))
        losses['loss_mix'] = mixed_label_loss(self, logits, target, index_bb,
                                              lam_bb)
        device = inputs.device
        losses.update(lam_mix_block=torch.tensor(lam_mb, device=device),
                      lam_classifier=torch.tensor(lam_bb, device=device),
                      mask_share=mask_mb[:, 0].mean().detach())
        return losses
