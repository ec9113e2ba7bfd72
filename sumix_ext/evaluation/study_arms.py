"""The study tool's arms: each a name, a table label and the ``--cfg-options``
that turn the regime's config (CutMix + official SUMix) into that arm
(:mod:`sumix_ext.commands.sumix_study` runs them)."""
from .study import Arm

CONFIG = ('configs/fashion_mnist/study/'
          'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py')
OFF = 'model.sumix=None'
FMIX = 'model.mixer.type=BatchFMix'
SAMPLE = 'model.sumix.lam_reduction=sample'
#: the AutoMix/SAMix classifier in place of the config's (docs/mixers.md)
AUTOMIX = ['model.type=AutoMixClassifier', 'model.mixer=None', OFF,
           'model.alpha=2.0', 'model.mask_stage=2',
           'model.momentum_end=0.999999']
#: the study's arms; the config's own model is CutMix + official SUMix
#: (fast clean pass). The variants' settings were chosen on the validation
#: split by ratio fidelity (docs/sumix_analysis.md); they weight each sample
#: by its own corrected ratio (lam_reduction='sample').
ARMS = [
    Arm('vanilla', 'no mixing', ['model.mixer=None', OFF]),
    Arm('cutmix', 'CutMix', [OFF]),
    Arm('oracle', 'CutMix, label = true object share (oracle)', []),
    Arm('official', '+ SUMix official (N/sqrt(K) = 20)', []),
    Arm('official-s10', '+ SUMix official at CIFAR-100 strength (10)',
        ['model.sumix.ratio=scaled', 'model.sumix.tau=3.1623',
         'model.sumix.direction=official']),
    Arm('scaled', '+ SUMix scaled, paper direction, tau 0.5',
        ['model.sumix.ratio=scaled', 'model.sumix.direction=paper',
         'model.sumix.tau=0.5', SAMPLE]),
    Arm('retention', '+ SUMix retention, eta 0.5',
        ['model.sumix.ratio=retention', 'model.sumix.eta=0.5', SAMPLE]),
    Arm('cam', '+ SUMix CAM share, blend 0.5',
        ['model.sumix.ratio=cam', 'model.sumix.blend=0.5', SAMPLE]),
    Arm('saliency', '+ SUMix saliency share',
        ['model.sumix.ratio=saliency', SAMPLE]),
    Arm('snapmix', 'SnapMix (labels from CAM, alpha 1)',
        ["model.mixer=dict(type='BatchSnapMix', alpha=1.0)", OFF]),
    Arm('snapmix-a0.2', "SnapMix at CutMix's alpha 0.2 (labels from CAM)",
        ["model.mixer=dict(type='BatchSnapMix', alpha=0.2)", OFF]),
    Arm('transmix', 'TransMix (CutMix boxes, labels from ViT attention)',
        ["model.mixer=dict(type='BatchTransMix', mixup_alpha=0.0, "
         'cutmix_alpha=0.2)', OFF]),
    Arm('fmix', 'FMix', [FMIX, OFF]),
    Arm('fmix-saliency', 'FMix + SUMix saliency share',
        [FMIX, 'model.sumix.ratio=saliency', SAMPLE], mixer_arm='fmix'),
    Arm('decouple', 'CutMix + DecoupleMix loss (eta 0.1, less)',
        [OFF, "model.mix_loss=dict(type='DecoupleMixLoss', eta=0.1, "
         "mode='less', thr=0.5, lam_scale_mode='pow', lam_thr=1.0, "
         'lam_idx=0.5)']),
    Arm('guidedmix', 'GuidedMixup, Guided-SR (saliency-ratio pixels, '
        'greedy pairs, mix prob 0.5)',
        ["model.mixer=dict(type='BatchGuidedMix', guided_type='sr', "
         "prob=0.5, pairing='greedy')", OFF]),
    Arm('manifoldmix', 'ManifoldMix (hidden states after 0-2 stages, '
        'alpha 2)',
        ["model.mixer=dict(type='BatchManifoldMix', alpha=2.0, "
         'layers=(0, 1, 2))', OFF]),
    Arm('alignmix', 'AlignMix (Sinkhorn-aligned last maps / input Mixup, '
        'alpha 2)',
        ["model.mixer=dict(type='BatchAlignMix', alpha=2.0, "
         'input_mix_prob=0.5)', OFF]),
    # 28-px images: grids that divide 28 (blocks of 14, 7, 4 and 2 px, as
    # the authors' 16..2 px at 32 px); the data term's strips and the
    # transport must divide each block: neigh_size 7 (the authors' 4 does
    # not divide 14 or 7) and the transport on the cut's blocks (t_size -1)
    Arm('puzzlemix', 'PuzzleMix (alpha 1, graph cut on 2/4/7/14 grids, '
        'transport)',
        ["model.mixer=dict(type='BatchPuzzleMix', alpha=1.0, "
         'block_num=(2, 4, 7, 14), neigh_size=7, t_size=-1)', OFF]),
    # AutoMix / SAMix: a classifier of their own (learned Mix Block and a
    # momentum encoder), OpenMixup's CIFAR settings; SAMix's value network
    # has half the stage's channels (w16 stage 3: 64 -> 32; OpenMixup's
    # 256 -> 128); the regime's schedule (cosine to 0) is kept
    Arm('automix', 'AutoMix (learned Mix Block, alpha 2)', AUTOMIX + [
        "model.mix_block=dict(type='PixelMixBlock', up_mode='nearest', "
        "mask_loss_mode='L1', mask_loss_margin=0.1)"]),
    Arm('samix', 'SAMix (learned Mixer, alpha 2)', AUTOMIX + [
        "model.mix_block=dict(type='PixelMixBlock', up_mode='bilinear', "
        'lam_mul=1.0, lam_residual=True, lam_mul_k=0.25, value_hidden=32, '
        "x_qk_concat=True, mask_loss_mode='L1+Variance', "
        'mask_loss_margin=0.1)', 'model.mask_adjust=0.25',
        "model.mix_block_loss=dict(type='EtaBalancedMixLoss', eta=0.5)"]),
]

#: arms whose label reads a model part only one backbone kind has: CAMs
#: need a CNN's feature maps, TransMix a vision transformer's class token;
#: ManifoldMix hooks a CNN's stages, AlignMix its (N, C, h, w) maps, as
#: AutoMix/SAMix's Mix Block does
ARM_BACKBONE = {'snapmix': 'cnn', 'snapmix-a0.2': 'cnn', 'cam': 'cnn',
                'manifoldmix': 'cnn', 'alignmix': 'cnn',
                'automix': 'cnn', 'samix': 'cnn', 'transmix': 'vit'}
