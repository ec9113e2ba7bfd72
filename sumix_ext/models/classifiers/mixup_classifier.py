"""Image classifier that trains with a mixer and, optionally, SUMix."""
from contextlib import nullcontext
from typing import Any, Dict, List, Optional, Sequence

import torch
from mmengine.optim import OptimWrapper
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..losses.sumix_ratios import cam_share, saliency_share
from ..mixers import MixOutput, as_lam_tensor, build_mixer
from ..mixers.from_mmpretrain import mixer_from_augments
from ..utils.nonfinite import NonFiniteGuard
from .config_checks import (CLEAN_PASSES, check_mix_loss,
                            check_sumix_pairing,
                            head_loss_is_plain_ce, pop_clean_pass,
                            stack_object_masks, with_uncertainty_branch)
from .procedures import active_procedure, check_procedure
from .procedures.mixed_label import mixed_label_loss

__all__ = ['MixupClassifier', 'CLEAN_PASSES', 'stack_object_masks',
           'with_uncertainty_branch']


@MODELS.register_module()
class MixupClassifier(ImageClassifier):
    """mmpretrain ``ImageClassifier`` with mixup training and SUMix.

    Training (``mode='loss'``):

    * ``mixer=None``: plain ``ImageClassifier`` training (the head's loss).
    * ``mixer`` set, ``sumix=None``: ``x_mix, index, lam = mixer(x)`` and the
      mixup cross-entropy ``lam*CE(z_m, y_a) + (1-lam)*CE(z_m, y_b)``; with
      another ``head.loss`` (e.g. ``LabelSmoothLoss`` from an mmpretrain
      recipe) that loss on the mixed soft targets ``lam*onehot(y_a) +
      (1-lam)*onehot(y_b)``, as mmpretrain does for its batch augments.
    * ``sumix`` set over an mmpretrain config's ``train_cfg.augments``
      (``Mixup``/``CutMix``/``ResizeMix``, or a list with ``probs``): the
      augments become our mixer with the same maths
      (:func:`~sumix_ext.models.mixers.from_mmpretrain.mixer_from_augments`)
      and a ``LinearClsHead`` becomes a ``SUMixHead``, so one override
      ``model = dict(type='MixupClassifier', sumix=dict(type='SUMixLoss'))``
      adds SUMix to a stock mmpretrain mixup config.
    * ``mixer`` names a training procedure (``mixer.procedure``: SnapMix,
      TransMix, ManifoldMix, PuzzleMix, ...: the model is in the loop):
      that procedure's function trains the step
      (:mod:`~sumix_ext.models.classifiers.procedures`).
    * ``mixer`` and ``sumix`` set: the clean batch ``x`` also goes through
      backbone/neck/head (train mode, with gradients) and the loss is
      :class:`~sumix_ext.models.losses.SUMixLoss`. The head must provide
      ``forward_sumix`` (e.g. :class:`~sumix_ext.models.heads.SUMixHead`).

    Prediction is unchanged: backbone -> neck -> head ``fc`` logits.

    Args:
        backbone (dict): Backbone config.
        neck (dict, optional): Neck config.
        head (dict): Head config.
        mixer (dict, optional): Mixer config, e.g.
            ``dict(type='BatchCutMix', alpha=0.2)``.
        sumix (dict, optional): SUMix loss config, e.g.
            ``dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch')``.
            ``None`` switches SUMix off.
        mix_loss (dict, optional): A loss that replaces the mixup
            cross-entropy of the mixed batch, called as ``loss(logits, y_a,
            y_b, lam)``, e.g. ``dict(type='DecoupleMixLoss', eta=0.1)``
            (:class:`~sumix_ext.models.losses.DecoupleMixLoss`); for every
            mixer and every procedure that trains with the mixed label. Not
            with SUMix (refused at build: both are the mixed-label loss).
        clean_pass (str): How SUMix runs the clean batch that feeds
            :math:`z_a, u_a`. ``'full'`` (faithful, default): train mode,
            with gradients; :math:`z_a` enters the loss only detached, so
            its only gradient path is the regulariser :math:`R` through
            :math:`u_a`. ``'no_grad'`` (fast): the same train-mode forward
            under ``torch.no_grad()``: identical loss *values*, :math:`R`
            trains only through :math:`u_m`, the clean backward (about a
            third of a step) is saved; BatchNorm still uses batch statistics
            and updates its running stats from the clean batch. (Older
            configs set this as ``sumix.clean_pass``; it is moved here with
            a ``FutureWarning``.)
        nonfinite_loss (str): What a NaN/Inf training loss does:
            ``'raise'`` (default) stops the run with the iteration and every
            loss term; ``'skip'`` skips that optimizer step and logs the
            running count as ``nonfinite_skips``. See
            :mod:`sumix_ext.models.utils.nonfinite`.
        nonfinite_max_skip_share (float): ``'skip'`` mode stops the run
            anyway when more than this share of the last 100 steps was
            skipped (a diverged run). Defaults to 0.1.
        channels_last (bool): Keep the weights and every input batch in
            ``torch.channels_last`` memory format (faster convolutions on
            recent GPUs with AMP; same results). Defaults to False.
        **kwargs: Passed to ``ImageClassifier`` (``data_preprocessor``,
            ``init_cfg``, ``pretrained``, ``train_cfg``).
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 mixer: Optional[dict] = None,
                 sumix: Optional[dict] = None,
                 mix_loss: Optional[dict] = None,
                 clean_pass: Optional[str] = None,
                 nonfinite_loss: str = 'raise',
                 nonfinite_max_skip_share: float = 0.1,
                 channels_last: bool = False,
                 **kwargs):
        train_cfg = kwargs.get('train_cfg') or {}
        if mixer is not None and 'augments' in train_cfg:
            raise ValueError(
                'MixupClassifier: set either model.mixer or '
                'model.train_cfg.augments, not both; our mixers go in '
                'model.mixer')
        if sumix is not None and 'augments' in train_cfg:
            # SUMix over a stock mmpretrain mixup config: its augments
            # become our mixer, its linear head gets the uncertainty branch
            mixer = mixer_from_augments(train_cfg)
            kwargs['train_cfg'] = {
                k: v for k, v in train_cfg.items()
                if k not in ('augments', 'probs')} or None
            head = with_uncertainty_branch(head)
        super().__init__(backbone, neck=neck, head=head, **kwargs)
        self.nonfinite_guard = NonFiniteGuard(nonfinite_loss,
                                              nonfinite_max_skip_share)
        if not isinstance(channels_last, bool):
            raise ValueError('MixupClassifier: channels_last must be True or '
                             f'False, got {channels_last!r}')
        self.channels_last = channels_last
        if channels_last:
            self.to(memory_format=torch.channels_last)
        self._skip_step = False
        self.mixer = build_mixer(mixer) if mixer is not None else None
        sumix, self.clean_pass = pop_clean_pass(sumix, clean_pass)
        self.sumix = MODELS.build(sumix) if sumix is not None else None
        self.mix_loss = MODELS.build(mix_loss) if isinstance(
            mix_loss, dict) else mix_loss
        if (self.sumix is None or not self.sumix.needs_clean_pass) and \
                hasattr(self.head, 'fc_unc'):
            # the uncertainty branch only trains with SUMix's regulariser:
            # without it (SUMix off, or the one-pass saliency form with
            # gamma=0) the branch gets no gradient, which DDP rejects as
            # unused parameters; freeze it (its weights stay in the state
            # dict)
            self.head.fc_unc.requires_grad_(False)
        check_procedure(self)
        check_mix_loss(self)
        if self.sumix is not None:
            check_sumix_pairing(self)

    def _head_loss_is_plain_ce(self) -> bool:
        """See :func:`~.config_checks.head_loss_is_plain_ce`."""
        return head_loss_is_plain_ce(self.head)

    def _memory_format(self, inputs):
        if self.channels_last and isinstance(
                inputs, torch.Tensor) and inputs.dim() == 4:
            return inputs.contiguous(memory_format=torch.channels_last)
        return inputs

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        """``ImageClassifier.forward`` with the batch in the model's memory
        format (``channels_last``)."""
        return super().forward(self._memory_format(inputs), data_samples,
                               mode)

    def parse_losses(self, losses: dict):
        """MMEngine's ``parse_losses`` plus the NaN/Inf guard.

        Called on the single-process path (:meth:`train_step`) and by
        ``MMDistributedDataParallel.train_step`` under DDP.

        Args:
            losses (dict): Output of :meth:`loss`.

        Returns:
            tuple: ``(loss, log_vars)``; see
            :class:`~sumix_ext.models.utils.nonfinite.NonFiniteGuard`.
        """
        loss, log_vars = super().parse_losses(losses)
        loss, log_vars, self._skip_step = self.nonfinite_guard(
            loss, log_vars, losses)
        return loss, log_vars

    def train_step(self, data, optim_wrapper: OptimWrapper) -> dict:
        """``BaseModel.train_step`` that does no optimizer step at all when
        the guard skips a non-finite loss (works with every optim wrapper,
        AMP included) and, in ``'skip'`` mode, also undoes the skipped
        forward's changes to buffers (BatchNorm running statistics)."""
        saved = None
        if self.nonfinite_guard.mode == 'skip':
            saved = [b.detach().clone() for b in self.buffers()]
        with optim_wrapper.optim_context(self):
            data = self.data_preprocessor(data, True)
            losses = self._run_forward(data, mode='loss')
        parsed_losses, log_vars = self.parse_losses(losses)
        if self._skip_step:
            optim_wrapper.zero_grad()
            with torch.no_grad():
                for buf, old in zip(self.buffers(), saved or []):
                    buf.copy_(old)
        else:
            optim_wrapper.update_params(parsed_losses)
        return log_vars

    def mix(self, inputs: torch.Tensor,
            data_samples: Optional[List[DataSample]] = None) -> MixOutput:
        """Run :attr:`mixer` on a batch; a mixer that needs the samples'
        object masks (``TrueShareMixer(truth='sample')``) gets them
        stacked as ``object_map`` ``(N, 1, H, W)``."""
        if not getattr(self.mixer, 'needs_object_map', False):
            return self.mixer(inputs)
        return self.mixer(inputs, object_map=stack_object_masks(
            data_samples or [], inputs))

    @staticmethod
    def _targets(data_samples: List[DataSample],
                 device: torch.device) -> torch.Tensor:
        return torch.cat([ds.gt_label for ds in data_samples]).to(device)

    def sumix_forward(self, inputs: torch.Tensor, mixed: MixOutput,
                      target: torch.Tensor,
                      shares: Optional[Sequence[str]] = None,
                      clean: Optional[bool] = None) -> Dict[str, Any]:
        """The clean + mixed forward of SUMix: every input of its loss.

        ``loss()``, ``tools/visualization/vis_mix.py`` and the ratio
        fidelity analysis all call this one method. The clean batch runs as
        :attr:`clean_pass` says: ``'full'`` (faithful): train mode with
        gradients; ``'no_grad'`` (fast): the same forward under
        ``torch.no_grad()`` (same values, BatchNorm running stats updated
        alike), so the clean batch gets no backward and the regulariser
        trains only through ``u_m``. The ``'cam'`` share comes
        from the clean feature maps, the ``'saliency'`` share from the clean
        images (both without gradient).

        Args:
            inputs (torch.Tensor): ``(N, C, H, W)`` clean batch ``x``.
            mixed (MixOutput): The mixer's output for ``inputs``.
            target (torch.Tensor): ``(N,)`` labels.
            shares (Sequence[str], optional): Share estimates to compute
                (``'cam'``, ``'saliency'``); None: the one the SUMix loss
                needs, if any.
            clean (bool, optional): Run the clean batch. None: where the
                loss needs it (:attr:`SUMixLoss.needs_clean_pass`: not for
                ``ratio='saliency'`` with ``gamma=0``, which then costs one
                backbone pass per step) or a ``'cam'`` share is asked for.

        Returns:
            dict: ``cls_clean``, ``unc_clean`` (None without the clean
            pass), ``cls_mix``, ``unc_mix`` (``(N, K)`` each) and
            ``shares`` (``{name: (N,)}``).
        """
        if shares is None:
            shares = [self.sumix.ratio] if getattr(
                self.sumix, 'needs_share', False) else []
        if clean is None:
            clean = 'cam' in shares or getattr(self.sumix,
                                               'needs_clean_pass', True)
        if 'cam' in shares and not clean:
            raise ValueError("sumix_forward: the 'cam' share comes from the "
                             'clean pass; call it with clean=True')
        cls_clean = unc_clean = maps = None
        no_grad = self.clean_pass == 'no_grad'
        if clean:
            with torch.no_grad() if no_grad else nullcontext():
                maps = self.backbone(inputs)
                feats = self.neck(maps) if self.with_neck else maps
                cls_clean, unc_clean = self.head.forward_sumix(feats)
        out = {}
        if 'cam' in shares:
            out['cam'] = cam_share(maps[-1], self.head.fc.weight, target,
                                   mixed)
        if 'saliency' in shares:
            out['saliency'] = saliency_share(inputs, mixed)
        cls_mix, unc_mix = self.head.forward_sumix(
            self.extract_feat(self._memory_format(mixed.inputs)))
        return dict(cls_clean=cls_clean, unc_clean=unc_clean,
                    cls_mix=cls_mix, unc_mix=unc_mix, shares=out)

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> dict:
        """Mixed (and, with SUMix, clean) forward and the training losses.

        Args:
            inputs (torch.Tensor): ``(N, C, H, W)`` normalised batch.
            data_samples (list[DataSample]): Samples with ``gt_label``.

        Returns:
            dict: ``loss`` plus logged scalars (``lam``; with SUMix also
            ``lam_tilde``, ``sumix_reg``, ``ce_a``, ``ce_b``).
        """
        if self.mixer is None:
            return super().loss(inputs, data_samples)
        target = self._targets(data_samples, inputs.device)
        procedure = active_procedure(self)
        if procedure is not None:  # the model is in the loop (procedures/)
            return procedure.train(self, inputs, data_samples, target)
        mixed = self.mix(inputs, data_samples)
        lam_log = as_lam_tensor(mixed.lam, inputs.size(0), inputs.device)
        lam_log = lam_log.mean()
        if self.sumix is None:
            logits = self.head(self.extract_feat(
                self._memory_format(mixed.inputs)))
            loss = mixed_label_loss(self, logits, target, mixed.index,
                                    mixed.lam)
            return dict(loss=loss, lam=lam_log)
        out = self.sumix_forward(inputs, mixed, target)
        losses = self.sumix(out['cls_clean'], out['cls_mix'],
                            out['unc_clean'], out['unc_mix'], target,
                            mixed.lam, mixed.index,
                            share=out['shares'].get(self.sumix.ratio))
        losses['lam'] = lam_log
        return losses
