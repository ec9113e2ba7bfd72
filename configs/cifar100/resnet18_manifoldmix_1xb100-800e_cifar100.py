# ManifoldMix (Verma et al., ICML 2019; SUMix off):
# ResNet-18 (CIFAR stem), CIFAR-100.
# Each step Mixup of the hidden state after k stages, k drawn from
# {0, 1, 2} (0 = the image; a forward pre-hook on stage k), alpha 2
# (the authors' CIFAR runs and OpenMixup's CIFAR-100 benchmark; OpenMixup's
# layer=(0, 3) is the same draw). Only the mixer differs from the CutMix
# baseline.
_base_ = ['./resnet18_cutmix_1xb100-800e_cifar100.py']

model = dict(
    mixer=dict(_delete_=True, type='BatchManifoldMix', alpha=2.0,
               layers=(0, 1, 2)))
