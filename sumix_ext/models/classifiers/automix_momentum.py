"""The momentum (EMA) encoder of :class:`~.automix_classifier.
AutoMixClassifier` and the schedules it follows (OpenMixup's
``CosineScheduleHook`` for the momentum, ``CustomCosineAnnealingHook`` for
the mask-loss weight), read from the runner's iteration in mmengine's
message hub; and the two ways its step spends a graph early with the same
gradients (:func:`through_input` for the momentum encoder's,
:func:`carry_grads` for the one-hot branch's)."""
import math
from typing import List, Optional, Sequence

import torch
from mmengine.logging import MessageHub


def cosine_momentum(base: float, end: Optional[float], it: int,
                    max_iters: Optional[int], begin: float = 0.) -> float:
    """OpenMixup's ``CosineScheduleHook`` (``adjust_scope=[begin, 1]``,
    ``warming_up='constant'``): ``base`` before ``int(begin * max_iters)``,
    then ``end - (end - base) * (cos(pi it / max_iters) + 1) / 2``; ``base``
    without an end or outside a run."""
    if end is None or not max_iters or it < int(max_iters * begin):
        return base
    return end - (end - base) * (math.cos(math.pi * it / max_iters) + 1) / 2


def loss_scale_of(optim_wrapper) -> float:
    """The factor the optimizer wrapper's backward applies to the summed
    loss: an ``AmpOptimWrapper``'s ``GradScaler`` scale (else 1) through
    the wrapper's own ``scale_loss`` (the division by the gradient
    accumulation count), in double precision."""
    scaler = getattr(optim_wrapper, 'loss_scaler', None)
    get_scale = getattr(scaler, 'get_scale', None)
    scale = float(get_scale()) if callable(get_scale) else 1.0
    scale_loss = getattr(optim_wrapper, 'scale_loss', None)
    if callable(scale_loss):
        scale = float(scale_loss(torch.tensor(scale, dtype=torch.float64)))
    return scale


def through_input(loss: torch.Tensor, inputs: torch.Tensor,
                  scale: float = 1.0) -> torch.Tensor:
    r"""``loss`` with its graph beyond ``inputs`` spent now.

    The gradient at the input, :math:`G = \partial (sL) / \partial x`, is
    taken at once (``torch.autograd.grad``, which frees the graph between
    ``inputs`` and ``loss``; :math:`s` = ``scale``, the factor the
    optimizer wrapper's backward applies: :func:`loss_scale_of`), and the
    result is :math:`L_{detached} + (\langle x, G\rangle/s - \langle x,
    G\rangle_{detached}/s)`: the value of :math:`L`, and a backward that
    brings it the gradient :math:`u` sends :math:`G\,u/s` to :math:`x`,
    hence to every parameter :math:`\theta` before ``inputs`` (the chain
    rule, cut at :math:`x`). With :math:`u = s` these are the gradients of
    a backward through ``loss``, bit for bit in fp32. Returns ``loss``
    unchanged where no gradient is recorded.
    """
    if not (torch.is_grad_enabled() and loss.requires_grad
            and inputs.requires_grad):
        return loss
    grad, = torch.autograd.grad(loss * scale if scale != 1 else loss, inputs)
    link = (inputs * grad).sum()
    if scale != 1:
        link = link / scale
    return loss.detach() + (link - link.detach())


class _CarriedGrads(torch.autograd.Function):
    """Forward: the loss's value. Backward: the gradients taken earlier,
    times the incoming gradient over the scale they were taken at."""

    @staticmethod
    def forward(ctx, value, grads, scale, *params):
        ctx.save_for_backward(*grads)
        ctx.scale = scale
        return value.clone()

    @staticmethod
    def backward(ctx, grad_output):
        factor = grad_output / ctx.scale
        return (None, None, None) + tuple(g * factor
                                          for g in ctx.saved_tensors)


def carry_grads(loss: torch.Tensor, params: Sequence[torch.Tensor],
                scale: float = 1.0) -> torch.Tensor:
    r"""``loss`` with its whole graph spent now, its parameter gradients
    carried to the step's backward.

    :math:`G = \partial (sL) / \partial\theta` is taken at once for the
    ``params`` that ``loss`` reaches (``torch.autograd.grad``, which frees
    the graph; :math:`s` = ``scale``, the factor the optimizer wrapper's
    backward applies: :func:`loss_scale_of`). The result has the value of
    :math:`L`; a backward that brings it the gradient :math:`u` adds
    :math:`G\,u/s` to each parameter's ``.grad`` (through its
    ``AccumulateGrad``, so DDP's hooks fire as usual). With :math:`u = s`
    these are the gradients of a backward through ``loss``: bit for bit in
    fp32; under autocast up to rounding (the one backward sums two passes'
    gradients of a cached half-precision weight in half precision, this in
    fp32). ``params`` must hold every parameter ``loss`` reaches (any not
    listed loses its gradient; pass the model's, duplicates are dropped);
    a tensor hook on a parameter sees this part twice. Memory: the graph's
    activations give way to one parameter-sized buffer (two during the
    backward). Returns ``loss`` unchanged where no gradient is recorded.
    """
    params = list({id(p): p for p in params if p.requires_grad}.values())
    if not (torch.is_grad_enabled() and loss.requires_grad and params):
        return loss
    grads = torch.autograd.grad(loss * scale if scale != 1 else loss,
                                params, allow_unused=True)
    reached = [(p, g) for p, g in zip(params, grads) if g is not None]
    return _CarriedGrads.apply(loss.detach(), [g for _, g in reached],
                               float(scale), *[p for p, _ in reached])


class MomentumEncoderMixin:
    """The momentum encoder's copy, EMA update and after-step of an
    AutoMix-style classifier (``backbone_k``, ``neck_k``, ``head_mix_k``
    beside ``backbone``, ``neck``, ``head_mix``)."""

    def _momentum_pairs(self) -> List[tuple]:
        """(online, momentum) module pairs the EMA follows."""
        pairs = [(self.backbone, self.backbone_k),
                 (self.head_mix, self.head_mix_k)]
        if self.neck_k is not None:
            pairs.append((self.neck, self.neck_k))
        return pairs

    @torch.no_grad()
    def _copy_to_momentum(self) -> None:
        """Start the momentum encoder as a copy of the online one."""
        for online, twin in self._momentum_pairs():
            for pk, pq in zip(twin.parameters(), online.parameters()):
                pk.copy_(pq)
            for bk, bq in zip(twin.buffers(), online.buffers()):
                bk.copy_(bq)

    def init_weights(self) -> None:
        """Initialise as configured, then copy the online encoder into the
        momentum encoder (as OpenMixup's ``init_weights``)."""
        super().init_weights()
        self._copy_to_momentum()

    @torch.no_grad()
    def momentum_update(self) -> None:
        r""":math:`\theta_k \leftarrow m\,\theta_k + (1-m)\,\theta_q` for
        the backbone, neck and mixup head (parameters only), as one
        multi-tensor ``mul_`` and ``add_``: the arithmetic of OpenMixup's
        per-parameter ``mul_(m).add_(q, alpha=1 - m)`` (bit for bit on the
        CPU, tested) in two kernel groups instead of two launches a
        parameter."""
        m = self.momentum
        if m >= 1:
            return
        twins, onlines = [], []
        for online, twin in self._momentum_pairs():
            twins += list(twin.parameters())
            onlines += [p.detach() for p in online.parameters()]
        torch._foreach_mul_(twins, m)
        torch._foreach_add_(twins, onlines, alpha=1 - m)

    def before_train_step(self, optim_wrapper) -> None:
        """Note the loss factor of this step (:func:`loss_scale_of`) for
        :func:`through_input` and :func:`carry_grads`.
        Called by :meth:`train_step` on one process and by
        ``SUMixDistributedDataParallel`` under DDP."""
        self._loss_scale = loss_scale_of(optim_wrapper)

    def after_train_step(self) -> None:
        """The momentum update after an optimizer step, with the momentum
        of this iteration (OpenMixup: a hook after each iteration); a step
        the NaN guard skipped updates nothing. Called by :meth:`train_step`
        on one process and by ``SUMixDistributedDataParallel`` under DDP
        (which bypasses :meth:`train_step`)."""
        if self._skip_step:
            return
        hub = MessageHub.get_current_instance()
        self.momentum = cosine_momentum(
            self.base_momentum, self.momentum_end,
            int(hub.get_info('iter', 0) or 0), hub.get_info('max_iters'),
            self.momentum_begin)
        self.momentum_update()

    def _mask_loss_weight(self) -> float:
        """``mask_loss``, or its decayed weight of this iteration (one
        decay step per training loss, as OpenMixup's hook per iteration)."""
        if self.mask_loss_decay is None:
            return self.mask_loss
        hub = MessageHub.get_current_instance()
        it, total = hub.get_info('iter', 0) or 0, hub.get_info('max_iters')
        if total:
            self.mask_loss_weight.mul_(
                (1 + math.cos(math.pi * int(it) / total)) / 2)
        return float(self.mask_loss_weight)
