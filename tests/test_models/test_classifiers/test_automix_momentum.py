"""``through_input``, ``carry_grads`` and ``loss_scale_of``: the Mix Block
loss's gradient taken at its mixed input at once, the one-hot loss's
parameter gradients taken at once and carried (hand-made graphs)."""
import pytest
import torch
from mmengine.optim import OptimWrapper

from sumix_ext.models.classifiers.automix_momentum import (carry_grads,
                                                           loss_scale_of,
                                                           through_input)


def _graph(seed=0):
    """theta -> x = tanh(theta * a) -> L = sum(w * x^3) (w fixed)."""
    g = torch.Generator().manual_seed(seed)
    theta = torch.randn(5, generator=g, requires_grad=True)
    a, w = torch.randn(5, generator=g), torch.randn(5, generator=g)
    x = torch.tanh(theta * a)
    return theta, x, (w * x ** 3).sum(), (a, w)


@pytest.mark.parametrize('scale', [1.0, 2.0 ** 16])
def test_same_value_and_same_parameter_gradient(scale):
    theta, x, loss, _ = _graph()
    ref, = torch.autograd.grad(loss, theta, retain_graph=True)
    cut = through_input(loss, x, scale)
    assert torch.equal(cut, loss)
    got, = torch.autograd.grad(cut, theta)
    assert torch.equal(got, ref)


def test_hand_computed_gradient_and_the_graph_after_x_is_spent():
    theta, x, loss, (a, w) = _graph(1)
    cut = through_input(loss, x)
    with pytest.raises(RuntimeError, match='second time'):
        loss.backward()  # its graph beyond x was freed by through_input
    cut.backward()
    # dL/dtheta = 3 w x^2 * (1 - x^2) * a
    expected = 3 * w * x.detach() ** 2 * (1 - x.detach() ** 2) * a
    torch.testing.assert_close(theta.grad, expected)


def test_no_gradient_recorded_returns_the_loss():
    theta, x, loss, _ = _graph()
    detached = loss.detach()
    assert through_input(detached, x) is detached
    with torch.no_grad():
        y = theta * 2
        plain = y.sum()
    assert through_input(plain, y) is plain


@pytest.mark.parametrize('scale', [1.0, 2.0 ** 16])
def test_carried_gradients_equal_one_backward_bit_for_bit(scale):
    """Two losses sharing theta: carrying the first one's gradients gives
    theta (and a second leaf) the gradients of one backward over both, at
    the upstream gradient a GradScaler sends (its scale)."""
    refs = []
    for carry in (False, True):
        theta, x, first, (a, w) = _graph(2)
        other = torch.ones(5, requires_grad=True)  # reached by `first` only
        first = first + (other * a).sum()
        if carry:
            first = carry_grads(first, [theta, other], scale)
        second = (torch.sin(theta) * w).sum()
        assert torch.isclose(first, first.detach())
        (scale * (first + second)).backward()
        refs.append((theta.grad, other.grad, float(first.detach())))
    (ta, oa, va), (tb, ob, vb) = refs
    assert torch.equal(ta, tb) and torch.equal(oa, ob) and va == vb


def test_carry_grads_spends_the_graph_and_adds_hand_computed_gradients():
    theta, x, loss, (a, w) = _graph(1)
    frozen = torch.ones(5)  # requires no gradient: not carried
    carried = carry_grads(loss, [theta, frozen])
    leaves = [f for f, _ in carried.grad_fn.next_functions if f is not None]
    assert [f.variable for f in leaves] == [theta]  # theta's AccumulateGrad
    with pytest.raises(RuntimeError, match='second time'):
        loss.backward()  # spent by carry_grads
    (3 * carried).backward()  # an upstream gradient of 3 scales them
    expected = 3 * w * x.detach() ** 2 * (1 - x.detach() ** 2) * a
    torch.testing.assert_close(theta.grad, 3 * expected)
    unreached = torch.zeros(2, requires_grad=True)
    loss2 = _graph(1)[2]
    out = carry_grads(loss2, [unreached])  # allow_unused: nothing to carry
    assert unreached.grad is None and torch.equal(out, loss2.detach())
    detached = loss2.detach()
    assert carry_grads(detached, [theta]) is detached


def test_carry_grads_drops_duplicates_and_keeps_retain_graph():
    theta, x, loss, _ = _graph(3)
    ref, = torch.autograd.grad(loss, theta, retain_graph=True)
    carried = carry_grads(loss, [theta, theta])  # a tied weight listed twice
    carried.backward(retain_graph=True)
    assert torch.equal(theta.grad, ref)
    carried.backward()  # as a backward through the graph would allow
    assert torch.equal(theta.grad, ref + ref)


class _Scaler:
    def get_scale(self):
        return 1024.0


def test_loss_scale_of_reads_an_amp_scaler_and_defaults_to_one():
    wrapper = OptimWrapper(torch.optim.SGD([torch.zeros(1,
                                                        requires_grad=True)],
                                           lr=0.1))
    assert loss_scale_of(wrapper) == 1.0
    wrapper.loss_scaler = _Scaler()
    assert loss_scale_of(wrapper) == 1024.0
    accumulating = OptimWrapper(torch.optim.SGD(
        [torch.zeros(1, requires_grad=True)], lr=0.1), accumulative_counts=3)
    assert loss_scale_of(accumulating) == 1 / 3  # its scale_loss divides
    accumulating.loss_scaler = _Scaler()
    assert loss_scale_of(accumulating) == 1024.0 / 3
