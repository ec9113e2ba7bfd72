# GuidedMixup, Guided-SR (Kang & Kim, AAAI 2023), SUMix off: ResNet-18
# (CIFAR stem), Tiny-ImageNet-200, 400 epochs (this grid's schedule; the
# authors ran PreActResNet-18 for 1200). The authors' Tiny-ImageNet
# Guided-SR command: --guided_type sr --condition greedy --mix_prob 0.5,
# saliency blur 7x7 sigma 3. docs/mixers.md.
_base_ = ['./resnet18_cutmix_1xb100-400e_tiny-imagenet.py']

model = dict(mixer=dict(_delete_=True, type='BatchGuidedMix',
                        guided_type='sr', prob=0.5, pairing='greedy',
                        blur_size=7, blur_sigma=3.0))
