r"""ManifoldMix (Verma et al., ICML 2019, "Manifold Mixup: Better
Representations by Interpolating Hidden States").

Reference: ``mixup_process`` and the ``mixup_hidden`` forward of the
authors' ResNets (github.com/vikasverma1077/manifold_mixup,
``supervised/``) and OpenMixup's ``_manifoldmix`` (``ResNet_Mix_CIFAR``,
``WideResNet_Mix``). Per step one layer ``k`` is drawn from ``layers``
(the authors: ``random.randint(0, 2)``), ``lam ~ Beta(alpha, alpha)`` and a
partner permutation; the hidden state after ``k`` stages (``k = 0``: the
image) is replaced by ``lam h + (1 - lam) h[index]`` and the label is
``lam y_a + (1 - lam) y_b``.

This file holds the pure maths and the draws; the hook that applies them
inside the backbone is the classifier's training procedure
(:mod:`sumix_ext.models.classifiers.procedures.manifoldmix`).
"""
import numbers
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from mmpretrain.registry import BATCH_AUGMENTS

from .base import BaseMixer, MixOutput


def manifold_mix(hidden: torch.Tensor, lam: float,
                 index: torch.Tensor) -> torch.Tensor:
    r"""ManifoldMix of a hidden state (or the image, layer 0):
    :math:`\lambda h + (1 - \lambda) h[\mathrm{index}]` (the authors'
    ``mixup_process``), any shape ``(N, ...)``, same dtype."""
    return torch.lerp(hidden[index], hidden, float(lam))


def check_layers(layers, owner: str = 'BatchManifoldMix') -> Tuple[int, ...]:
    """Validate the candidate layers: a non-empty sequence of distinct
    integers >= 0 (0 = the image, k = the hidden state after k stages)."""
    if isinstance(layers, numbers.Integral) and not isinstance(layers, bool):
        layers = (layers, )
    ok = isinstance(layers, (list, tuple)) and len(layers) > 0 and all(
        isinstance(k, numbers.Integral) and not isinstance(k, bool)
        and k >= 0 for k in layers)
    if not ok or len(set(layers)) != len(layers):
        raise ValueError(
            f'{owner}: layers must be distinct integers >= 0 (0 = the '
            'image, k = the hidden state after k backbone stages), got '
            f'{layers!r}; e.g. layers=(0, 1, 2) as the authors')
    return tuple(int(k) for k in layers)


class HiddenStateMixer(BaseMixer):
    """A mixer whose mix happens inside the network (ManifoldMix,
    AlignMix): usable as ``MixupClassifier``'s ``model.mixer`` only, not
    as a stock ``ImageClassifier``'s batch augment (refused in one line).
    """

    #: what the mixer does inside the network, for the refusal
    inside = 'mixes hidden states'

    def __call__(self, inputs: torch.Tensor,
                 batch_score: Optional[torch.Tensor] = None):
        if batch_score is not None:
            raise ValueError(
                f'{type(self).__name__} {self.inside} inside the network: '
                "use it as MixupClassifier's model.mixer, not in a stock "
                "ImageClassifier's train_cfg.augments (there use "
                'BatchMixup)')
        return super().__call__(inputs)


@BATCH_AUGMENTS.register_module()
class BatchManifoldMix(HiddenStateMixer):
    r"""ManifoldMix: Mixup of the hidden state at a randomly drawn layer.

    .. math::
        k \sim U(\text{layers}),\ \lambda \sim \mathrm{Beta}(\alpha,
        \alpha),\quad h_k \leftarrow \lambda h_k + (1-\lambda)
        h_k[\mathrm{index}],\quad y = \lambda y_a + (1-\lambda) y_b

    ``h_k`` is the input of the backbone's stage ``k`` (counting from 0:
    mmpretrain's ``res_layers[k]`` of ResNet/ResNeXt/ResNet_CIFAR, our
    ``WideResNet_CIFAR.groups[k]``), i.e. the output of ``k`` stages, and
    ``h_0`` is the image. :class:`~sumix_ext.models.classifiers.
    MixupClassifier` mixes it with a forward pre-hook on that stage for
    one forward pass (``procedure = 'manifoldmix'``). Not with SUMix (the
    mix is not an image; refused at build).

    Called directly, ``mixer(x)`` mixes ``x`` itself (layer 0: a Mixup of
    the batch); mmpretrain's batch-augment form ``mixer(x, score)`` (a stock
    ``ImageClassifier``) cannot reach hidden states and is refused.

    Args:
        alpha (float): Beta concentration. Defaults to 2.0 (the authors'
            CIFAR/Tiny-ImageNet runs, OpenMixup's CIFAR-100 configs).
        layers (Sequence[int]): Candidate layers, drawn uniformly per step.
            Defaults to ``(0, 1, 2)`` (the authors' ``randint(0, 2)`` and
            OpenMixup's ``layer=(0, 3)``, a half-open range).
        avoid_self_pair (bool): See :class:`BaseMixer`.
    """

    #: its training procedure (mixes inside the model): see
    #: :mod:`sumix_ext.models.classifiers.procedures`
    procedure = 'manifoldmix'
    #: what it mixes is a hidden state, not an image (no picture, no
    #: object-mask label to check)
    mixes_hidden_states = True

    def __init__(self, alpha: float = 2.0,
                 layers: Sequence[int] = (0, 1, 2),
                 avoid_self_pair: bool = False):
        super().__init__(alpha, avoid_self_pair)
        self.layers = check_layers(layers)

    def sample_layer(self) -> int:
        """Draw ``k`` uniformly from :attr:`layers` (numpy's global RNG,
        as the Beta draw)."""
        return self.layers[np.random.randint(len(self.layers))]

    def draw(self, n: int, device=None) -> Tuple[float, torch.Tensor, int]:
        """One step's ``(lam, index, layer)``."""
        return self.sample_lam(), self.sample_index(n, device), \
            self.sample_layer()

    def mix(self, inputs: torch.Tensor, lam: float,
            index: torch.Tensor) -> MixOutput:
        """Mix ``inputs`` (a hidden state or the image) with its partners:
        :func:`manifold_mix`; ``lam`` is exact (every element is a ``lam``
        blend)."""
        return MixOutput(manifold_mix(inputs, lam, index), index, float(lam))

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(alpha={self.alpha}, layers='
                f'{self.layers}, avoid_self_pair={self.avoid_self_pair})')
