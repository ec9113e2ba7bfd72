# AlignMix (Venkataramanan et al., CVPR 2022; SUMix off):
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200.
# Half of the steps (drawn) the last-stage 8x8 feature maps of each pair are
# aligned by Sinkhorn (eps 0.1, at most 100 iterations) and interpolated,
# the other half the images are mixed (Mixup), as the authors' training
# loop; alpha 2 (the authors' Tiny-ImageNet run; OpenMixup's config). Only
# the mixer differs from the CutMix baseline.
_base_ = ['./resnet18_cutmix_1xb100-400e_tiny-imagenet.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchAlignMix', alpha=2.0, eps=0.1,
               max_iter=100, thresh=0.1, input_mix_prob=0.5))
