"""The published label rules that read the model (SnapMix, TransMix) as
shares of ``x_a``, for the ratio fidelity tool
(:mod:`sumix_ext.evaluation.ratio_fidelity`): each returns ``{name: (N,)
ratio}`` for one mixed batch, comparable with the true object share. The
rules themselves live beside their training procedures
(:mod:`sumix_ext.models.classifiers.procedures`, ``label_ratios``).

AutoMix/SAMix's learned mask is scored the same way: the fidelity tool's
mixer ``AutoMix`` (:data:`LEARNED_MASK`) is the checkpoint's own Mix Block
mixing as the classifier's branch of a training step does
(:func:`~sumix_ext.models.classifiers.automix_mix.learned_mix`); its label
is the drawn ratio (:data:`LEARNED_LABEL`), the ``lam`` row the exact area
share of its soft mask."""
from typing import Dict, Tuple

import torch

from ..models.classifiers.automix_mix import learned_mix
from ..models.classifiers.procedures import mix_batch, procedure_of
from ..models.classifiers.procedures.snapmix import snapmix_labels
from ..models.classifiers.procedures.transmix import transmix_labels

#: the fidelity mixer config of AutoMix/SAMix: the checkpoint's Mix Block
LEARNED_MASK = 'AutoMixClassifier'
#: the label AutoMix/SAMix's classifier trains with: the drawn lam
LEARNED_LABEL = 'automix label (drawn lam)'

#: the label-rule ratios these functions return, in table order
LABEL_RULE_NAMES = ('snapmix rho_a', 'snapmix rho_a / (rho_a + rho_b)',
                    'transmix', 'transmix attention only', LEARNED_LABEL)

__all__ = ['LABEL_RULE_NAMES', 'LEARNED_LABEL', 'LEARNED_MASK',
           'label_rule_ratios', 'snapmix_labels', 'transmix_labels',
           'mix_batch', 'mix_and_label', 'mixes_with_model']


def is_learned(mixer_cfg: dict) -> bool:
    """Whether ``mixer_cfg`` names the checkpoint's learned mask."""
    return mixer_cfg.get('type') == LEARNED_MASK


def mixes_with_model(mixer_cfg: dict) -> bool:
    """Whether the mixer of ``mixer_cfg`` needs the model to mix (its
    procedure's ``mix``, e.g. PuzzleMix): the fidelity tool then scores it
    only with a checkpoint."""
    from ..models.mixers import build_mixer
    if is_learned(mixer_cfg):
        return True
    proc = procedure_of(build_mixer(dict(mixer_cfg)))
    return proc is not None and proc.mix is not None


def label_rule_ratios(model: torch.nn.Module, mixer, x: torch.Tensor,
                      y: torch.Tensor, mixed) -> Dict[str, torch.Tensor]:
    """The label rule of ``mixer``'s training procedure if it has one that
    reads the model (``label_ratios``), else ``{}``."""
    proc = procedure_of(mixer)
    if proc is None or proc.label_ratios is None:
        return {}
    return proc.label_ratios(model, x, y, mixed)


def mix_and_label(model, mixer, mixer_cfg: dict, x: torch.Tensor,
                  y: torch.Tensor) -> Tuple[object, Dict[str, torch.Tensor]]:
    """One mixed batch and its model-read labels (``{}`` without a model):
    the mixer's (:func:`mix_batch`, :func:`label_rule_ratios`) or, for
    :data:`LEARNED_MASK`, the checkpoint's learned mask and its drawn
    label."""
    if not is_learned(mixer_cfg):
        mixed = mix_batch(model, mixer, x, y)
        return mixed, ({} if model is None else
                       label_rule_ratios(model, mixer, x, y, mixed))
    if type(model).__name__ != LEARNED_MASK:
        raise ValueError(
            f'--mixers AutoMix: the learned mask is the checkpoint\'s own; '
            f'give AutoMix/SAMix checkpoints (the config\'s model is '
            f'{type(model).__name__}, not {LEARNED_MASK})')
    mixed, lam = learned_mix(model, x)
    return mixed, {LEARNED_LABEL: torch.full((x.size(0), ), lam,
                                             device=x.device)}
