"""Issue #6, guarantee 6: a NaN/Inf loss stops the run (default) or the
step is skipped and counted (``model.nonfinite_loss='skip'``)."""
import math

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from sumix_ext.apis import cli_errors
from sumix_ext.models.utils.nonfinite import (NonFiniteGuard, NonFiniteLossError,
                                        describe_losses)
from tests.conftest import build_tiny_classifier


def _batch(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return dict(
        inputs=[torch.randint(0, 255, (3, 16, 16), generator=g).float()
                for _ in range(n)],
        data_samples=[DataSample().set_gt_label(i % 10) for i in range(n)])


def _model_and_optim(mode):
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=True)
    model.nonfinite_guard = NonFiniteGuard(mode)
    model.train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1,
                                         momentum=0.9, weight_decay=5e-4))
    return model, optim


def _poison(monkeypatch, model, value):
    """Make the SUMix mixed-CE term (ce_b) non-finite, as a blown-up
    logit would."""
    original = model.sumix.forward

    def forward(*args, **kwargs):
        out = original(*args, **kwargs)
        out['ce_b'] = out['ce_b'] * value
        out['loss'] = out['loss'] * value
        return out

    monkeypatch.setattr(model.sumix, 'forward', forward)


def _snapshot(model, optim):
    params = {k: v.detach().clone() for k, v in model.state_dict().items()}
    buffers = [s['momentum_buffer'].clone()
               for s in optim.optimizer.state.values()]
    return params, buffers


def _assert_same(model, optim, snap, with_buffers=True):
    params, buffers = snap
    names = model.state_dict() if with_buffers else dict(
        model.named_parameters())
    for k, v in names.items():
        assert torch.equal(v, params[k]), k
    now = [s['momentum_buffer'] for s in optim.optimizer.state.values()]
    assert len(now) == len(buffers)
    assert all(torch.equal(a, b) for a, b in zip(now, buffers))


@pytest.mark.parametrize('value', [math.nan, math.inf])
def test_raise_mode_stops_with_iteration_terms_and_hint(monkeypatch, value):
    hub = MessageHub.get_instance('test_nonfinite_raise')
    hub.update_info('iter', 41)  # the runner's 0-based counter
    model, optim = _model_and_optim('raise')
    model.train_step(_batch(), optim)  # a finite step first
    snap = _snapshot(model, optim)
    _poison(monkeypatch, model, value)
    with pytest.raises(NonFiniteLossError) as err:
        model.train_step(_batch(seed=1), optim)
    msg = str(err.value)
    assert 'iteration 42' in msg
    for term in ('ce_a=', 'ce_b=', 'sumix_reg=', 'lam=', 'lam_tilde='):
        assert term in msg
    assert ('nan' if math.isnan(value) else 'inf') in msg
    assert "nonfinite_loss='skip'" in msg and 'learning rate' in msg
    # no optimizer step (the run stops, so BN statistics do not matter)
    _assert_same(model, optim, snap, with_buffers=False)


def test_raise_mode_is_one_line_through_cli_errors(monkeypatch, capsys):
    model, optim = _model_and_optim('raise')
    _poison(monkeypatch, model, math.nan)
    with pytest.raises(SystemExit) as exit_info, cli_errors():
        model.train_step(_batch(), optim)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith('error: non-finite training loss')
    assert 'Traceback' not in '\n'.join(err)


def test_skip_mode_leaves_weights_and_momentum_unchanged_and_counts(
        monkeypatch):
    model, optim = _model_and_optim('skip')
    log = model.train_step(_batch(), optim)
    assert log['nonfinite_skips'].item() == 0
    snap = _snapshot(model, optim)
    with monkeypatch.context() as m:
        _poison(m, model, math.nan)
        log1 = model.train_step(_batch(seed=1), optim)
        log2 = model.train_step(_batch(seed=2), optim)
    # no SGD step, no weight decay, BN running statistics restored
    _assert_same(model, optim, snap)
    assert log1['nonfinite_skips'].item() == 1
    assert log2['nonfinite_skips'].item() == 2
    # non-finite terms are kept out of the smoothed logs; finite ones stay
    assert 'loss' not in log2 and 'ce_b' not in log2 and 'lam' in log2
    # training goes on once the loss is finite again
    log3 = model.train_step(_batch(seed=3), optim)
    assert log3['nonfinite_skips'].item() == 2
    assert math.isfinite(log3['loss'].item())
    changed = any(not torch.equal(v, snap[0][k])
                  for k, v in model.state_dict().items())
    assert changed


def test_skip_mode_through_ddp_style_parse_losses(monkeypatch):
    """DDP calls ``module.parse_losses`` then ``update_params`` itself: the
    returned loss must leave the weights untouched through a real step."""
    model, optim = _model_and_optim('skip')
    model.train_step(_batch(), optim)
    snap = _snapshot(model, optim)
    _poison(monkeypatch, model, math.nan)
    data = model.data_preprocessor(_batch(seed=1), True)
    losses = model._run_forward(data, mode='loss')
    loss, log_vars = model.parse_losses(losses)
    optim.update_params(loss)  # what MMDistributedDataParallel does
    # parameters, momentum and weight decay untouched (BN running stats of
    # that forward are not restored on this path)
    _assert_same(model, optim, snap, with_buffers=False)
    assert log_vars['nonfinite_skips'].item() == 1


def test_finite_loss_is_untouched():
    guard = NonFiniteGuard('raise')
    loss = torch.tensor(1.5, requires_grad=True)
    out, log_vars, skip = guard(loss, {'loss': loss.detach()}, {'loss': loss})
    assert out is loss and not skip and 'nonfinite_skips' not in log_vars


def test_describe_losses_gives_vector_stats():
    text = describe_losses(dict(lam=torch.tensor([0.2, 0.4, math.nan]),
                                ce_a=torch.tensor(2.0)))
    assert 'lam=min 0.2 mean 0.3 max 0.4 (1/3 non-finite)' in text
    assert 'ce_a=2' in text


def test_bad_mode_is_rejected_with_fix():
    with pytest.raises(ValueError, match="'raise' or 'skip'"):
        NonFiniteGuard('ignore')
