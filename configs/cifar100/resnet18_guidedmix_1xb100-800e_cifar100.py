# GuidedMixup, Guided-SR (Kang & Kim, AAAI 2023), SUMix off: ResNet-18
# (CIFAR stem), CIFAR-100, 800 epochs (this grid's schedule; the authors ran
# PreActResNet-18 for 1200). The authors' CIFAR-100 Guided-SR command
# (github.com/3neutronstar/GuidedMixup README): --guided_type sr
# --condition greedy --mix_prob 0.5, saliency blur 7x7 sigma 3.
# Model-free: combines with SUMix (model.sumix=dict(...)). docs/mixers.md.
_base_ = ['./resnet18_cutmix_1xb100-800e_cifar100.py']

model = dict(mixer=dict(_delete_=True, type='BatchGuidedMix',
                        guided_type='sr', prob=0.5, pairing='greedy',
                        blur_size=7, blur_sigma=3.0))
