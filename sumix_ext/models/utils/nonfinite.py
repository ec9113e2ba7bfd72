"""Stop (or skip) a training step whose loss is NaN or Inf.

A NaN that reaches the optimizer silently destroys every weight; the run
then "trains" for days on garbage. :class:`NonFiniteGuard` looks at the
loss before the optimizer does:

* ``mode='raise'`` (default): raise :class:`NonFiniteLossError` naming the
  iteration, every loss term (for SUMix: ``ce_a``, ``ce_b``, ``sumix_reg``
  = R, ``lam``, ``lam_tilde``) and what to try.
* ``mode='skip'``: drop this step (no parameter, momentum or weight-decay
  change) and count it; the running count is logged as
  ``nonfinite_skips``. A diverged run must not finish silently: when more
  than ``max_skip_share`` of the last ``window`` steps were skipped the
  guard raises :class:`NonFiniteLossError` anyway, and the runner warns at
  the end of any run that skipped steps.

Under DDP the "is it finite" flag is all-reduced (MAX) every step, so all
processes raise or skip together and none waits forever for the others.
"""
from collections import deque
from typing import Dict, Optional

import torch
import torch.distributed as torch_dist
from mmengine.logging import MessageHub

MODES = ('raise', 'skip')
HINT = ('lower the learning rate (optim_wrapper.optimizer.lr) or add '
        'gradient clipping (optim_wrapper.clip_grad=dict(max_norm=...)), '
        'check the data for NaN/Inf, try without --amp, or set '
        "model.nonfinite_loss='skip' to skip such steps")


class NonFiniteLossError(FloatingPointError):
    """The training loss is NaN or Inf; the message lists the terms."""


def check_nonfinite_mode(mode: str) -> str:
    """Validate the ``nonfinite_loss`` option.

    Args:
        mode (str): ``'raise'`` or ``'skip'``.

    Returns:
        str: ``mode``.
    """
    if mode not in MODES:
        raise ValueError(f"nonfinite_loss must be 'raise' or 'skip', got "
                         f"{mode!r}; e.g. model.nonfinite_loss='skip'")
    return mode


def _stats(value) -> str:
    if isinstance(value, (list, tuple)):
        value = torch.stack([v.detach().float().mean() for v in value])
    if not isinstance(value, torch.Tensor):
        return repr(value)
    v = value.detach().float().flatten().cpu()
    if v.numel() == 1:
        return f'{v.item():.6g}'
    finite = v[torch.isfinite(v)]
    bad = v.numel() - finite.numel()
    if finite.numel() == 0:
        return f'all {v.numel()} non-finite'
    text = (f'min {finite.min().item():.4g} mean {finite.mean().item():.4g} '
            f'max {finite.max().item():.4g}')
    return text + (f' ({bad}/{v.numel()} non-finite)' if bad else '')


def describe_losses(losses: Dict[str, object]) -> str:
    """``name=value`` for each loss term (min/mean/max for vectors).

    Args:
        losses (dict): Output of the model's ``loss()``.

    Returns:
        str: e.g. ``loss=nan, ce_a=nan, ce_b=2.3, sumix_reg=0.1, lam=0.7``.
    """
    return ', '.join(f'{k}={_stats(v)}' for k, v in losses.items())


def _any_rank_nonfinite(loss: torch.Tensor) -> bool:
    flag = (~torch.isfinite(loss.detach())).any().float().reshape(1)
    if torch_dist.is_available() and torch_dist.is_initialized() \
            and torch_dist.get_world_size() > 1:
        flag = flag.to(loss.device)
        torch_dist.all_reduce(flag, op=torch_dist.ReduceOp.MAX)
    return bool(flag.item() > 0)


def _current_iter() -> Optional[int]:
    try:
        it = MessageHub.get_current_instance().get_info('iter')
    except Exception:  # noqa: BLE001  (no runner: plain train_step use)
        return None
    return None if it is None else int(it) + 1


class NonFiniteGuard:
    """Check a parsed loss for NaN/Inf and raise or mark the step skipped.

    Args:
        mode (str): ``'raise'`` (default) or ``'skip'``.
        max_skip_share (float): In ``'skip'`` mode, stop the run when more
            than this share of the last ``window`` steps was skipped.
            Defaults to 0.1.
        window (int): Steps the share is counted over. Defaults to 100.
    """

    def __init__(self, mode: str = 'raise', max_skip_share: float = 0.1,
                 window: int = 100):
        self.mode = check_nonfinite_mode(mode)
        if isinstance(max_skip_share, bool) or not isinstance(
                max_skip_share, (int, float)) or not 0 <= max_skip_share < 1:
            raise ValueError('nonfinite_max_skip_share must be a number in '
                             f'[0, 1), got {max_skip_share!r}; e.g. 0.1')
        if isinstance(window, bool) or not isinstance(window,
                                                      int) or window < 1:
            raise ValueError(f'the non-finite window must be an int >= 1, '
                             f'got {window!r}')
        self.max_skip_share = float(max_skip_share)
        self.recent = deque(maxlen=window)
        self.skips = 0

    def __call__(self, loss: torch.Tensor, log_vars: dict,
                 losses: Dict[str, object]):
        """Inspect one step.

        Args:
            loss (torch.Tensor): The summed loss from ``parse_losses``.
            log_vars (dict): Values to log (from ``parse_losses``).
            losses (dict): The raw loss dict (all terms, before summing).

        Returns:
            tuple: ``(loss, log_vars, skip)``. With ``skip`` True, ``loss``
            is a zero leaf tensor with no path to any parameter, so a
            backward/step through it leaves the weights unchanged even
            under DDP; callers that own the step should not call the
            optimizer at all.

        Raises:
            NonFiniteLossError: In ``'raise'`` mode, when any process has a
            non-finite loss.
        """
        skip = _any_rank_nonfinite(loss)
        if skip:
            if self.mode == 'raise':
                it = _current_iter()
                where = f'at iteration {it}' if it is not None else ''
                raise NonFiniteLossError(
                    f'non-finite training loss {where} '
                    f'({describe_losses(losses)}); {HINT}')
            self.skips += 1
            self.recent.append(True)
            limit = self.max_skip_share * self.recent.maxlen
            skipped = sum(self.recent)
            if skipped > limit:
                it = _current_iter()
                where = f' at iteration {it}' if it is not None else ''
                raise NonFiniteLossError(
                    f'{skipped} of the last {len(self.recent)} training '
                    f'steps had a non-finite loss{where} (more than '
                    f'{self.max_skip_share:.0%} of {self.recent.maxlen}): '
                    f'the run is diverging ({describe_losses(losses)}); '
                    + HINT.split(', or set')[0])
            loss = torch.zeros((), device=loss.device, dtype=loss.dtype,
                               requires_grad=True)
            # keep NaN out of the smoothed logs: log only the finite terms
            log_vars = {
                k: v
                for k, v in log_vars.items()
                if not isinstance(v, torch.Tensor) or torch.isfinite(v).all()
            }
        else:
            self.recent.append(False)
        if self.mode == 'skip':
            log_vars['nonfinite_skips'] = torch.tensor(float(self.skips))
        return loss, log_vars, skip
