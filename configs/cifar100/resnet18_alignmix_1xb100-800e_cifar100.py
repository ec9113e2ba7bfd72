# AlignMix (Venkataramanan et al., CVPR 2022; SUMix off):
# ResNet-18 (CIFAR stem), CIFAR-100.
# Half of the steps (drawn) the last-stage 4x4 feature maps of each pair are
# aligned by Sinkhorn (eps 0.1, at most 100 iterations) and interpolated,
# the other half the images are mixed (Mixup), as the authors' training
# loop; alpha 2 (the authors; OpenMixup's AlignMix configs). Only the
# mixer differs from the CutMix baseline.
_base_ = ['./resnet18_cutmix_1xb100-800e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchAlignMix', alpha=2.0, eps=0.1,
               max_iter=100, thresh=0.1, input_mix_prob=0.5))
