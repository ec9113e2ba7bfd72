# ManifoldMix (Verma et al., ICML 2019; SUMix off):
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200.
# Each step Mixup of the hidden state after k stages, k drawn from
# {0, 1, 2} (0 = the image; a forward pre-hook on stage k), alpha 0.2 (the
# authors' Tiny-ImageNet run and PuzzleMix's protocol, which OpenMixup's
# Tiny-ImageNet benchmark follows). Only the mixer differs from the CutMix
# baseline.
_base_ = ['./resnet18_cutmix_1xb100-400e_tiny-imagenet.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchManifoldMix', alpha=0.2,
               layers=(0, 1, 2)))
