"""Build-time checks and config rewrites of :class:`MixupClassifier`
(kept apart so the classifier file holds the training logic only)."""
import warnings
from typing import Optional, Sequence

import torch
from mmpretrain.structures import DataSample

CLEAN_PASSES = ('full', 'no_grad')


def with_uncertainty_branch(head: Optional[dict]) -> Optional[dict]:
    """An mmpretrain linear head config as a ``SUMixHead`` (the same ``fc``
    weights plus SUMix's uncertainty branch); other heads unchanged."""
    if isinstance(head, dict) and head.get('type') in (
            'LinearClsHead', 'MultiLabelLinearClsHead'):
        head = {k: v for k, v in head.items() if k != 'thr'}
        head['type'] = 'SUMixHead'
    return head


def stack_object_masks(data_samples: Sequence[DataSample],
                       inputs: torch.Tensor,
                       key: str = 'object_mask') -> torch.Tensor:
    """The samples' object masks as one ``(N, 1, H, W)`` float tensor on
    the batch's device (one-line error naming the fix when missing)."""
    if len(data_samples) != inputs.size(0) or not all(
            key in ds for ds in data_samples):
        raise ValueError(
            f"the mixer needs each sample's {key!r} (the true object map) "
            'but the batch has none; add PasteOnBackground and PackInputs('
            f"algorithm_keys=['{key}']) to the train pipeline")
    masks = [torch.as_tensor(ds.get(key)) for ds in data_samples]
    masks = [m[None] if m.dim() == 2 else m for m in masks]
    return torch.stack(masks).to(inputs.device, torch.float32)


def pop_clean_pass(sumix: Optional[dict], clean_pass: Optional[str]):
    """Take a legacy ``sumix.clean_pass`` out of the loss config (the
    classifier owns the clean pass) and check the value.

    Returns:
        tuple: ``(sumix config without clean_pass, clean_pass)``.
    """
    legacy = None
    if isinstance(sumix, dict) and 'clean_pass' in sumix:
        sumix = dict(sumix)
        legacy = sumix.pop('clean_pass')
        warnings.warn(
            'model.sumix.clean_pass is deprecated: the classifier runs '
            f'the clean batch; write model.clean_pass={legacy!r}',
            FutureWarning, stacklevel=2)
        if clean_pass is not None and clean_pass != legacy:
            raise ValueError(
                f'MixupClassifier: model.clean_pass={clean_pass!r} and '
                f'model.sumix.clean_pass={legacy!r} disagree; keep only '
                'model.clean_pass')
    clean_pass = clean_pass if clean_pass is not None else (
        legacy if legacy is not None else 'full')
    if clean_pass not in CLEAN_PASSES:
        raise ValueError(f'MixupClassifier: clean_pass must be one of '
                         f"{CLEAN_PASSES} ('full' = faithful SUMix, "
                         f"'no_grad' = fast variant), got {clean_pass!r}")
    return sumix, clean_pass


def check_sumix_pairing(model) -> None:
    """The checks of a classifier built with SUMix: a mixer, a mask-based
    one for the share ratios, the plain cross-entropy head loss and a head
    with an uncertainty branch (each error names the fix)."""
    if model.mixer is None:
        raise ValueError('MixupClassifier: SUMix corrects a mixing '
                         'ratio, so it needs model.mixer (e.g. '
                         "dict(type='BatchCutMix', alpha=0.2))")
    maskless = [type(m).__name__ for m in getattr(
        model.mixer, 'mixers', [model.mixer])
        if type(m).__name__ == 'BatchMixup']
    if getattr(model.sumix, 'needs_share', False) and maskless:
        where = ('' if model.mixer is not None and not hasattr(
            model.mixer, 'mixers') else ' (one of RandomMixer\'s '
            'mixers: it would fail the first time it is drawn)')
        raise ValueError(
            f'MixupClassifier: SUMixLoss(ratio={model.sumix.ratio!r})'
            ' needs a mask-based mixer (BatchCutMix, BatchFMix, '
            f'...); BatchMixup has no mask{where}: use '
            "ratio='retention' with it, or drop BatchMixup")
    if not model._head_loss_is_plain_ce():
        raise ValueError(
            'MixupClassifier: SUMix computes its own cross-entropy '
            '(the corrected-ratio weighting is the method), so '
            f'model.head.loss={type(model.head.loss_module).__name__} '
            'would be ignored; use the default CrossEntropyLoss '
            'with SUMix, or set model.sumix=None to train the mixer '
            'with that loss')
    if not hasattr(model.head, 'forward_sumix'):
        raise ValueError(
            'MixupClassifier: SUMix needs a head with an uncertainty '
            f'branch, got {type(model.head).__name__}; set '
            "model.head.type='SUMixHead' (or model.sumix=None)")


def check_mix_loss(model) -> None:
    """``model.mix_loss`` (e.g. DecoupleMix) replaces the mixup
    cross-entropy: it needs a mixer, excludes SUMix (whose loss is the
    mixed-label loss too), a head loss other than plain cross-entropy
    (which it would silently replace) and a procedure with labels of its
    own (SnapMix's unnormalised weights)."""
    if model.mix_loss is None:
        return
    name = type(model.mix_loss).__name__
    if model.mixer is None:
        raise ValueError(f'MixupClassifier: mix_loss={name} is the loss of '
                         'mixed batches, but model.mixer is None; set a '
                         "mixer (e.g. dict(type='BatchCutMix', alpha=0.2)) "
                         'or model.mix_loss=None')
    if model.sumix is not None:
        raise ValueError(
            f'MixupClassifier: mix_loss={name} and SUMix both replace the '
            'mixed-label loss (SUMix with its corrected ratio and '
            'regulariser, DecoupleMix with its decoupled terms) and no '
            'paper defines the two together; set model.sumix=None or '
            'model.mix_loss=None')
    if not head_loss_is_plain_ce(model.head):
        raise ValueError(
            f'MixupClassifier: mix_loss={name} replaces the head loss '
            f'({type(model.head.loss_module).__name__}) on mixed batches; '
            "use head.loss=dict(type='CrossEntropyLoss') with it, or "
            'model.mix_loss=None')
    from .procedures import active_procedure
    proc = active_procedure(model)
    if proc is not None and not proc.uses_mix_loss:
        raise ValueError(
            f'MixupClassifier: {type(model.mixer).__name__} trains with its '
            f'own label weights, not the mixed label, so mix_loss={name} '
            'would not apply; use another mixer or model.mix_loss=None')


def head_loss_is_plain_ce(head) -> bool:
    """Whether a head's loss is plain softmax cross-entropy (then the
    mixup CE is computed directly; any other loss gets the mixed soft
    targets)."""
    lm = getattr(head, 'loss_module', None)
    if lm is None:
        return True
    return (type(lm).__name__ == 'CrossEntropyLoss'
            and not getattr(lm, 'use_sigmoid', False)
            and getattr(lm, 'class_weight', None) is None
            and getattr(lm, 'pos_weight', None) is None
            and float(getattr(lm, 'loss_weight', 1.0)) == 1.0
            and getattr(lm, 'reduction', 'mean') == 'mean')
