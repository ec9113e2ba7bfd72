# GuidedMixup, Guided-AP (Kang & Kim, AAAI 2023): saliency = the input
# gradient of the model being trained (procedure 'guidedmix'; SUMix off, it
# is refused with this mode). ResNet-18 (CIFAR stem), CIFAR-100, 800 epochs
# (this grid's schedule). The authors' CIFAR-100 Guided-AP command:
# --guided_type ap --condition greedy --mix_prob 0.8 (clean_lam 0: the
# saliency pass trains no weight). docs/mixers.md.
_base_ = ['./resnet18_cutmix_1xb100-800e_cifar100.py']

model = dict(mixer=dict(_delete_=True, type='BatchGuidedMix',
                        guided_type='ap', prob=0.8, pairing='greedy',
                        blur_size=7, blur_sigma=3.0, clean_lam=0.0))
