# GuidedMixup, Guided-AP (Kang & Kim, AAAI 2023): saliency = the input
# gradient of the model being trained (procedure 'guidedmix'; SUMix off).
# ResNet-18 (CIFAR stem), Tiny-ImageNet-200, 400 epochs (this grid's
# schedule). The authors' Tiny-ImageNet Guided-AP command: --guided_type ap
# --condition greedy --mix_prob 0.8 --clean_lam 1.0 (the clean batch's
# cross-entropy joins the loss). docs/mixers.md.
_base_ = ['./resnet18_cutmix_1xb100-400e_tiny-imagenet.py']

model = dict(mixer=dict(_delete_=True, type='BatchGuidedMix',
                        guided_type='ap', prob=0.8, pairing='greedy',
                        blur_size=7, blur_sigma=3.0, clean_lam=1.0))
