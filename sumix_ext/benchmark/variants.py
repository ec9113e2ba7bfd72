"""The step-cost variants of ``benchmark_step.py``: their registry configs,
the bare-PyTorch reference step and the synthetic batch."""
from typing import Dict

import torch

from .automix_variants import JOINT, automix_cfg

VARIANTS = {
    'a': 'stock ImageClassifier + mmpretrain CutMix',
    'b': 'MixupClassifier + BatchCutMix',
    'c': 'MixupClassifier + BatchCutMix + SUMix (faithful)',
    'd': 'MixupClassifier + BatchCutMix + SUMix fast '
         "(model.clean_pass='no_grad')",
    'e': "(d) with the CAM share (ratio='cam', blend 0.5)",
    'f': "(b) + SUMix saliency share, one pass (ratio='saliency', "
         'gamma=0)',
    'g': '(b) with the network compiled (compile=True: backbone, neck, '
         'head; steady state after the warm-up)',
    'h': '(b) with BatchSnapMix (alpha 1): labels from the clean batch\'s '
         'CAM (one no-grad clean forward)',
    'gs': '(b) with BatchGuidedMix, Guided-SR (spectral-residual saliency '
          'ratios, greedy pairs; no model)',
    'ga': '(b) with BatchGuidedMix, Guided-AP (input-gradient saliency: '
          'one more clean forward and input backward)',
    'mm': '(b) with BatchManifoldMix (alpha 2, layers 0-2): Mixup of a '
          'drawn stage\'s input by a one-pass hook',
    'al': '(b) with BatchAlignMix (alpha 2): Sinkhorn-aligned last maps on '
          'half of the steps, input Mixup on the others',
    'dm': "(b) with the DecoupleMix loss (model.mix_loss, OpenMixup's "
          'CIFAR CutMix setting)',
    'pz': '(b) with BatchPuzzleMix (CIFAR settings: input-gradient '
          'saliency pass, graph cut per sample on the CPU, transport)',
    'mx': '(b) with BatchMixup (alpha 1): the Mixup step AutoMix is '
          'compared with',
    'am': 'AutoMixClassifier, AutoMix (CIFAR settings: Mix Block on stage '
          '3, momentum encoder; two passes of each encoder)',
    'sa': "(am) with SAMix's Mixer (lam embedding, non-linear value, "
          'symmetric q/k, bilinear) and eta-balanced loss',
    'aj': "(am) with OpenMixup's one backward (free_momentum_graph=False, "
          'free_one_hot_graph=False: every graph held until the step\'s '
          'backward)',
    'sj': '(sa) with the one backward (both free_*_graph=False)',
    'v': 'ViT (deit-tiny arch, 8x8 tokens) + BatchCutMix (TransMix\'s '
         'baseline)',
    't': '(v) with BatchTransMix (CutMix boxes labelled by the class '
         'token attention, one pass)',
    'vx': '(v) with BatchMixup (alpha 1): the ViT Mixup step',
    'va': "(v) as AutoMixClassifier, AutoMix (DeiT-S config's settings: "
          "Mix Block on layer 6's token map, lam channel, mask-loss decay)",
    'vs': "(va) with SAMix's DeiT-S Mixer (lam embedding, non-linear "
          'value of half the width, symmetric q/k)',
    'vaj': '(va) with the one backward (both free_*_graph=False)',
    'vsj': '(vs) with the one backward (both free_*_graph=False)',
    'p1': 'bare PyTorch step, one pass (reference)',
    'p2': 'bare PyTorch step, two passes: mixed + clean (reference)',
}


#: variants on the (v) ViT instead of ``--arch``
VIT_VARIANTS = ('v', 't', 'vx', 'va', 'vs', 'vaj', 'vsj')


# ----------------------------------------------------------------- models
def backbone_cfg(args):
    """``(backbone config, feature channels)`` of ``--arch``:
    ``resnet18-cifar`` (CIFAR stem, ``--width`` channels) or ``resnet50``
    (mmpretrain's ImageNet ResNet-50, 2048 features)."""
    if getattr(args, 'arch', 'resnet18-cifar') == 'resnet50':
        return dict(type='ResNet', depth=50, in_channels=3,
                    out_indices=(3, )), 2048
    w = args.width
    return dict(type='ResNet_CIFAR', depth=18, in_channels=3,
                stem_channels=w, base_channels=w, out_indices=(3, )), 8 * w


def vit_cfg(args):
    """``(backbone config, feature channels)`` of the (v)/(t) ViT:
    mmpretrain's ``deit-tiny`` arch (width 192, depth 12) with patches of
    ``img_size / 8`` (an 8x8 token grid), class-token output."""
    return dict(type='VisionTransformer', arch='deit-tiny',
                img_size=args.img_size, patch_size=max(1, args.img_size // 8),
                out_type='cls_token'), 192


def model_cfg(variant: str, args) -> dict:
    """Registry config of one variant."""
    vit = variant in VIT_VARIANTS
    backbone, feat = vit_cfg(args) if vit else backbone_cfg(args)
    neck = None if vit else dict(type='GlobalAveragePooling')
    preproc = dict(type='ClsDataPreprocessor', num_classes=args.num_classes,
                   mean=[125.3, 123.0, 113.9], std=[63.0, 62.1, 66.7],
                   to_rgb=False)
    if variant == 'g':
        variant = 'b'
    if variant in ('am', 'sa', 'va', 'vs', *JOINT):
        return automix_cfg(variant, backbone, feat, preproc, args)
    if variant == 'a':
        return dict(
            type='ImageClassifier', backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=args.num_classes,
                      in_channels=feat,
                      loss=dict(type='CrossEntropyLoss', loss_weight=1.0,
                                use_soft=True)),
            data_preprocessor=preproc,
            train_cfg=dict(augments=dict(type='CutMix', alpha=0.2)))
    sumix = None
    if variant in ('c', 'd'):
        sumix = dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch')
    elif variant == 'e':
        sumix = dict(type='SUMixLoss', gamma=0.5, lam_reduction='sample',
                     ratio='cam', blend=0.5)
    elif variant == 'f':
        sumix = dict(type='SUMixLoss', gamma=0.0, lam_reduction='sample',
                     ratio='saliency')
    mixer = dict(type='BatchCutMix', alpha=0.2)
    if variant == 'h':
        mixer = dict(type='BatchSnapMix', alpha=1.0)
    elif variant == 't':
        mixer = dict(type='BatchTransMix', mixup_alpha=0.0, cutmix_alpha=0.2)
    elif variant in ('gs', 'ga'):
        mixer = dict(type='BatchGuidedMix', guided_type=dict(
            gs='sr', ga='ap')[variant], prob=1.0)
    elif variant == 'mm':
        mixer = dict(type='BatchManifoldMix', alpha=2.0, layers=(0, 1, 2))
    elif variant == 'al':
        mixer = dict(type='BatchAlignMix', alpha=2.0)
    elif variant == 'pz':
        mixer = dict(type='BatchPuzzleMix')  # = the CIFAR-100 config's
    elif variant in ('mx', 'vx'):
        mixer = dict(type='BatchMixup', alpha=1.0)
    mix_loss = dict(type='DecoupleMixLoss', eta=0.1, mode='less',
                    lam_idx=0.5) if variant == 'dm' else None
    return dict(
        type='MixupClassifier', backbone=backbone, neck=neck,
        head=dict(type='SUMixHead', num_classes=args.num_classes,
                  in_channels=feat,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        data_preprocessor=preproc,
        mixer=mixer,
        sumix=sumix,
        mix_loss=mix_loss,
        clean_pass='no_grad' if variant in ('d', 'e') else 'full')


class BareStep(torch.nn.Module):
    """Reference (p1)/(p2): a training step in plain PyTorch.

    The same backbone (``--arch``), average pooling and a linear layer;
    uint8 -> float normalisation, a CutMix box (``lam`` from Beta(0.2, 0.2),
    area-corrected; the box helpers of ``BatchCutMix``, plain torch), mixup
    CE ``lam CE(z, y) + (1 - lam) CE(z, y[perm])``, one backward and an SGD
    step. ``passes=2`` adds a forward of the clean batch whose CE joins the
    loss before the one backward, i.e. the work of faithful SUMix without
    any of its code.

    Args:
        backbone (dict): ``ResNet_CIFAR`` config (registry-built).
        num_classes (int): Classes ``K``.
        in_channels (int): Feature width at the pooling.
        passes (int): 1 (mixed) or 2 (mixed + clean).
        dtype (str): ``'fp32'``, ``'bf16'`` or ``'fp16'`` (autocast; the
            fp16 reference has no loss scaling, it only times the step).
    """

    def __init__(self, backbone: dict, num_classes: int, in_channels: int,
                 passes: int, dtype: str = 'fp32'):
        super().__init__()
        from mmpretrain.registry import MODELS
        self.backbone = MODELS.build(backbone)
        self.fc = torch.nn.Linear(in_channels, num_classes)
        self.passes = passes
        self.dtype = dtype
        self.register_buffer(
            'mean', torch.tensor([125.3, 123.0, 113.9]).view(1, 3, 1, 1))
        self.register_buffer(
            'std', torch.tensor([63.0, 62.1, 66.7]).view(1, 3, 1, 1))
        self.beta = torch.distributions.Beta(0.2, 0.2)

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.backbone(x)[-1]
        return self.fc(feat.mean(dim=(2, 3)))

    def train_step(self, data: dict, optimizer) -> dict:
        from sumix_ext.models.mixers.box import clip_box, cut_size
        dev = self.mean.device
        x = (data['inputs'].to(dev).float() - self.mean) / self.std
        y = torch.cat([s.gt_label for s in data['data_samples']]).to(dev)
        n, _, h, w = x.shape
        lam = float(self.beta.sample())
        perm = torch.randperm(n, device=dev)
        y0, y1, x0, x1 = (int(c) for c in clip_box(
            torch.randint(h, ()), torch.randint(w, ()),
            *cut_size(lam, h, w), h, w))
        mixed = x.clone()
        mixed[:, :, y0:y1, x0:x1] = x[perm, :, y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
        ce = torch.nn.functional.cross_entropy
        cast = torch.float16 if self.dtype == 'fp16' else torch.bfloat16
        with torch.autocast(dev.type, dtype=cast,
                            enabled=self.dtype != 'fp32'):
            z = self._logits(mixed)
            loss = lam * ce(z, y) + (1 - lam) * ce(z, y[perm])
            if self.passes == 2:
                loss = loss + ce(self._logits(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return dict(loss=loss.detach())


def build_variant(variant: str, args):
    """``(model, optim_wrapper)`` of one variant on the target device
    (for (p1)/(p2): ``(BareStep, torch optimizer)``)."""
    import sumix_ext  # noqa: F401  (registers our modules)
    from mmengine.optim import OptimWrapper
    from mmengine.registry import OPTIM_WRAPPERS
    from mmpretrain.registry import MODELS

    torch.manual_seed(0)
    if variant in ('p1', 'p2'):
        backbone, feat = backbone_cfg(args)
        model = BareStep(
            backbone, args.num_classes, feat, passes=int(variant[1]),
            dtype=args.dtype).to(args.device).train()
        return model, torch.optim.SGD(model.parameters(), lr=0.1,
                                      momentum=0.9, weight_decay=5e-4)
    model = MODELS.build(model_cfg(variant, args)).to(args.device).train()
    if variant == 'g':  # as SUMixRunner._maybe_compile does
        for part in (model.backbone, model.neck, model.head):
            part.compile()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                weight_decay=5e-4)
    if args.dtype == 'fp32':
        wrapper = OptimWrapper(optimizer)
    elif args.device == 'cpu':
        wrapper = OPTIM_WRAPPERS.build(
            dict(type='CPUBf16OptimWrapper', optimizer=optimizer))
    else:
        wrapper = OPTIM_WRAPPERS.build(
            dict(type='AmpOptimWrapper', optimizer=optimizer,
                 dtype='bfloat16' if args.dtype == 'bf16' else 'float16',
                 loss_scale='dynamic'))
    return model, wrapper


def make_batch(args, seed: int) -> dict:
    """A fresh batch dict: uint8 CPU images and labelled ``DataSample``s
    (fresh each step: mmpretrain's CutMix writes soft labels into them)."""
    from mmpretrain.structures import DataSample
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randint(0, 256, (args.batch_size, 3, args.img_size,
                                    args.img_size), generator=g,
                           dtype=torch.uint8)
    labels = torch.randint(0, args.num_classes, (args.batch_size, ),
                           generator=g)
    return dict(inputs=inputs,
                data_samples=[DataSample().set_gt_label(int(y))
                              for y in labels])
