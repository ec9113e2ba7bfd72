"""Build-time pieces of :class:`~.automix_classifier.AutoMixClassifier`:
argument checks, the momentum backbone and the probe of the Mix Block's
stage (one-line ``ValueError`` naming the fix for every bad input)."""
import copy
import logging
from typing import Optional

import torch
from mmengine.logging import print_log
from mmpretrain.registry import MODELS

NAME = 'AutoMixClassifier'
SUMIX_REASON = (
    f'{NAME}: SUMix is refused: the Mix Block learns its mask against the '
    'lam label of the mixup loss and the classifier trains on that mask '
    'with that label, so a SUMix-corrected label would break the pair; set '
    'model.sumix=None (SUMix runs with MixupClassifier and an image mixer)')


def without_uncertainty_branch(head: Optional[dict]) -> Optional[dict]:
    """A ``SUMixHead`` config as mmpretrain's ``LinearClsHead`` (the SUMix
    branch has nothing to learn here); other heads unchanged."""
    if isinstance(head, dict) and head.get('type') == 'SUMixHead':
        head = {k: v for k, v in head.items() if k != 'is_norm'}
        head['type'] = 'LinearClsHead'
    return head


def check_arguments(kwargs: dict, mix_block, alpha, momentum, momentum_end,
                    momentum_begin, mask_loss, mask_adjust, lam_margin,
                    mask_stage) -> None:
    """Refuse SUMix, another mixer or mixed loss, batch augments and
    out-of-range numbers (``kwargs``: the ``MixupClassifier`` arguments,
    from which ``sumix``, ``mixer`` and ``mix_loss`` are removed)."""
    if kwargs.pop('sumix', None) is not None:
        raise ValueError(SUMIX_REASON)
    for key, fix in (('mixer', 'model.aux_mixer'),
                     ('mix_loss', 'model.mix_block_loss')):
        if kwargs.pop(key, None) is not None:
            raise ValueError(
                f'{NAME}: model.{key} is not used here (the Mix Block makes '
                f'the mixes); set model.{key}=None (see {fix})')
    if 'augments' in (kwargs.get('train_cfg') or {}):
        raise ValueError(f'{NAME}: the Mix Block makes the mixes; remove '
                         'model.train_cfg.augments')
    if not isinstance(mix_block, dict):
        raise ValueError(f'{NAME}: model.mix_block must be a config, e.g. '
                         "dict(type='PixelMixBlock')")
    checks = [
        (alpha > 0, f'alpha must be > 0, got {alpha}'),
        (0 <= momentum <= 1, f'momentum must be in [0, 1], got {momentum}'),
        (momentum_end is None or momentum <= momentum_end <= 1,
         f'momentum_end must be in [momentum, 1] or None, got '
         f'{momentum_end}'),
        (0 <= momentum_begin <= 1, 'momentum_begin must be in [0, 1], got '
         f'{momentum_begin}'),
        (mask_loss >= 0, f'mask_loss must be >= 0, got {mask_loss}'),
        (0 <= mask_adjust <= 1, 'mask_adjust must be a probability, got '
         f'{mask_adjust}'),
        (0 <= lam_margin < 0.5, 'lam_margin must be in [0, 0.5), got '
         f'{lam_margin}'),
        (isinstance(mask_stage, int) and mask_stage >= 0,
         f'mask_stage must be a stage index >= 0, got {mask_stage!r}'),
    ]
    for ok, message in checks:
        if not ok:
            raise ValueError(f'{NAME}: {message}')


def is_token_backbone(backbone: torch.nn.Module) -> bool:
    """An mmpretrain vision transformer (``VisionTransformer``, DeiT,
    DeiT-3, ...): patch embedding, a list of token layers, extra tokens."""
    return all(hasattr(backbone, a) for a in (
        'patch_embed', 'layers', 'num_extra_tokens', 'out_type'))


def momentum_backbone(model, backbone: dict):
    """The online backbone's twin that also returns ``model.mask_stage``;
    sets ``model._stage_pos`` / ``model._head_pos`` (where the stage and
    the head's features are in its outputs). On a vision transformer the
    stage is a layer (0-based; OpenMixup's DeiT-S configs use 5)."""
    kind, stage = backbone.get('type', '?'), model.mask_stage
    stages = getattr(model.backbone, 'num_stages', None)
    if is_token_backbone(model.backbone):
        stages = len(model.backbone.layers)
    if isinstance(stages, int) and stage >= stages:
        raise ValueError(
            f'{NAME}: mask_stage={stage} but {kind} has {stages} stages '
            f'(0..{stages - 1}); set model.mask_stage to one of them '
            '(OpenMixup uses 2 on ResNets, layer 5 on DeiT-S)')
    own = getattr(model.backbone, 'out_indices', None)
    if own is None:
        raise ValueError(f'{NAME}: {kind} has no out_indices, so the Mix '
                         'Block cannot read a stage of it; use a CNN '
                         'backbone with stages (ResNet, ResNeXt, ...)')
    own = [int(i) for i in ([own] if isinstance(own, int) else own)]
    indices = sorted(set(own) | {stage})
    model._stage_pos = indices.index(stage)
    model._head_pos = [indices.index(i) for i in sorted(own)]
    cfg = dict(copy.deepcopy(backbone), out_indices=tuple(indices))
    try:
        twin = MODELS.build(cfg)
    except (AssertionError, IndexError, TypeError, ValueError) as err:
        raise ValueError(
            f'{NAME}: {kind} cannot return stage {stage} '
            f'({type(err).__name__}: {err}); set model.mask_stage to a stage '
            'the backbone has') from None
    names_q = [n for n, _ in model.backbone.named_parameters()]
    if [n for n, _ in twin.named_parameters()] != names_q:
        raise ValueError(f'{NAME}: {kind} changes its parameters with '
                         'out_indices, so no momentum twin can follow it; '
                         'use a CNN backbone (ResNet, ResNeXt, ...)')
    return twin


def stage_features(model, x: torch.Tensor) -> torch.Tensor:
    """The momentum encoder's ``(N, C, H, W)`` maps of ``x`` at
    ``model.mask_stage`` (from one forward of ``model.backbone_k``).

    A CNN gives them as one of its outputs. A vision transformer gives
    the tokens of layer ``mask_stage`` without its extra (class,
    distillation) tokens, laid out on the patch grid: mmpretrain's
    ``out_type='featmap'`` of that layer and OpenMixup's ViT output for
    the Mix Block (the final norm applies only after the last layer);
    read by forward hooks, so the head's outputs keep their own
    ``out_type``.
    """
    twin = model.backbone_k
    if not is_token_backbone(twin):
        return twin(x)[model._stage_pos]
    seen = {}
    last = model.mask_stage == len(twin.layers) - 1
    hooks = [
        twin.patch_embed.register_forward_hook(
            lambda m, i, out: seen.__setitem__('hw', out[1])),
        twin.layers[model.mask_stage].register_forward_hook(
            lambda m, i, out: seen.__setitem__('tokens', out)),
    ]
    try:
        twin(x)
    finally:
        for hook in hooks:
            hook.remove()
    tokens = seen['tokens']
    if last and getattr(twin, 'final_norm', False):
        tokens = twin.ln1(tokens)
    patches = tokens[:, twin.num_extra_tokens:]
    return patches.reshape(x.size(0), *seen['hw'], -1).permute(0, 3, 1, 2)


def can_free_graphs(model, momentum: bool, one_hot: bool) -> tuple:
    """``free_momentum_graph`` and ``free_one_hot_graph`` as they can run:
    ``torch.autograd.grad`` does not go through reentrant gradient
    checkpointing (mmpretrain's ``with_cp=True``), so a backbone that
    checkpoints its layers keeps OpenMixup's one backward (same gradients,
    more memory; logged)."""
    modules = [*model.backbone.modules(), *model.backbone_k.modules()]
    if not (momentum or one_hot) or not any(
            getattr(m, 'with_cp', False) for m in modules):
        return momentum, one_hot
    print_log(f'{NAME}: the backbone checkpoints its layers (with_cp=True), '
              'which torch.autograd.grad cannot run through: every loss '
              "joins the step's one backward (free_momentum_graph=False, "
              'free_one_hot_graph=False; same gradients, more memory)',
              logger='current', level=logging.WARNING)
    return False, False


def refuse_other_ddp_wrappers() -> None:
    """A step outside ``SUMixDistributedDataParallel`` under DDP (MMEngine's
    wrapper bypasses ``train_step``, so the momentum update would never
    run) is a one-line error naming the fix."""
    if torch.distributed.is_available() \
            and torch.distributed.is_initialized() \
            and torch.distributed.get_world_size() > 1:
        raise ValueError(f'{NAME}: under DDP its momentum update needs '
                         'the SUMixDistributedDataParallel wrapper '
                         '(MMEngine\'s own skips it); remove '
                         'model_wrapper_cfg from the config (tools/'
                         'train.py then uses it) or set model_wrapper_'
                         "cfg=dict(type='SUMixDistributedDataParallel')")


@torch.no_grad()
def probe_stage_channels(model, backbone: dict) -> int:
    """Channels of ``model.mask_stage`` from a one-image eval forward of
    the momentum backbone; a stage without (N, C, H, W) maps is refused."""
    twin, kind = model.backbone_k, backbone.get('type', '?')
    size = getattr(twin, 'img_size', 32)
    size = tuple(size) if isinstance(size, (tuple, list)) else (size, ) * 2
    probe = torch.zeros(1, int(backbone.get('in_channels', 3)), *size)
    was_training = twin.training
    twin.eval()
    try:
        feats = stage_features(model, probe)
    except Exception as err:  # noqa: BLE001 - one line for any backbone
        raise ValueError(f'{NAME}: {kind} failed on a {size} probe image '
                         f'({type(err).__name__}: {err}); the Mix Block '
                         'needs its stage feature maps') from None
    finally:
        twin.train(was_training)
    if not isinstance(feats, torch.Tensor) or feats.dim() != 4:
        shape = tuple(feats.shape) if isinstance(
            feats, torch.Tensor) else type(feats).__name__
        raise ValueError(
            f'{NAME}: the Mix Block needs (N, C, H, W) feature maps but stage '
            f'{model.mask_stage} of {kind} gives {shape} (flat features); '
            'use a backbone with feature maps (a CNN or an mmpretrain '
            'VisionTransformer)')
    return int(feats.shape[1])
