"""The published label rules that read the model (SnapMix, TransMix) as
shares of ``x_a``, for the ratio fidelity tool
(:mod:`sumix_ext.evaluation.ratio_fidelity`): each returns ``{name: (N,)
ratio}`` for one mixed batch, comparable with the true object share. The
rules themselves live beside their training procedures
(:mod:`sumix_ext.models.classifiers.procedures`, ``label_ratios``)."""
from typing import Dict

import torch

from ..models.classifiers.procedures import mix_batch, procedure_of
from ..models.classifiers.procedures.snapmix import snapmix_labels
from ..models.classifiers.procedures.transmix import transmix_labels

#: the label-rule ratios these functions return, in table order
LABEL_RULE_NAMES = ('snapmix rho_a', 'snapmix rho_a / (rho_a + rho_b)',
                    'transmix', 'transmix attention only')

__all__ = ['LABEL_RULE_NAMES', 'label_rule_ratios', 'snapmix_labels',
           'transmix_labels', 'mix_batch', 'mixes_with_model']


def mixes_with_model(mixer_cfg: dict) -> bool:
    """Whether the mixer of ``mixer_cfg`` needs the model to mix (its
    procedure's ``mix``, e.g. PuzzleMix): the fidelity tool then scores it
    only with a checkpoint."""
    from ..models.mixers import build_mixer
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
