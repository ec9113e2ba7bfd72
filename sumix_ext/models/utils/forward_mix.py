r"""Replace what flows into (or out of) one module for one forward pass:
the hook behind the methods that mix hidden states (ManifoldMix: the input
of a backbone stage; AlignMix: the backbone's last feature maps). No copied
backbone, no change to its ``forward``: a PyTorch forward (pre-)hook that
lives only inside a ``with`` block."""
from typing import Callable

from torch import nn

WHERE = ('input', 'output')


class ForwardMix:
    """Context manager: during the ``with`` block, ``module``'s first
    positional input (``where='input'``, a forward pre-hook) or its output
    (``where='output'``, a forward hook) is replaced by ``fn(value)``.

    The hook must fire exactly once inside the block (a module that did
    not run, or ran twice, is an error naming it) and is removed when the
    block ends, also on an exception.

    Example::

        with ForwardMix(model.backbone.layer2, lambda h: mix(h)):
            logits = model.head(model.extract_feat(x))

    Args:
        module (nn.Module): The module whose input/output is replaced.
        fn (callable): ``fn(tensor) -> tensor`` (for ``'output'`` it gets
            the module's whole output, e.g. a backbone's tuple of maps).
        where (str): ``'input'`` or ``'output'``. Defaults to ``'input'``.
    """

    def __init__(self, module: nn.Module, fn: Callable,
                 where: str = 'input'):
        if where not in WHERE:
            raise ValueError(f"ForwardMix: where must be one of {WHERE}, "
                             f'got {where!r}')
        self.module, self.fn, self.where = module, fn, where
        self.calls = 0
        self._handle = None

    def _pre_hook(self, module, args):
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError(
                f'ForwardMix: {type(module).__name__} ran twice in one '
                'forward pass; its input would be mixed twice')
        return (self.fn(args[0]), ) + tuple(args[1:])

    def _hook(self, module, args, output):
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError(
                f'ForwardMix: {type(module).__name__} ran twice in one '
                'forward pass; its output would be mixed twice')
        return self.fn(output)

    def __enter__(self) -> 'ForwardMix':
        self.calls = 0
        if self.where == 'input':
            self._handle = self.module.register_forward_pre_hook(
                self._pre_hook)
        else:
            self._handle = self.module.register_forward_hook(self._hook)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self._handle.remove()
        self._handle = None
        if exc_type is None and self.calls != 1:
            raise RuntimeError(
                f'ForwardMix: {type(self.module).__name__} did not run in '
                "the forward pass, so nothing was mixed; hook a module the "
                "backbone's forward calls")
        return False
