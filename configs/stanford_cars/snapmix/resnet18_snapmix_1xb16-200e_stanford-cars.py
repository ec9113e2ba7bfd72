# SnapMix (Huang et al., AAAI 2021) on the SUMix paper's fine-grained
# setting: the resnet18 CutMix baseline of this folder with BatchSnapMix
# instead of CutMix; labels rho_a / rho_b from each image's class
# activation map (MixupClassifier, sumix=None), alpha 5 as in SnapMix's
# published fine-grained runs (--beta 5 --prob 1.0). docs/mixers.md.
_base_ = ['../resnet18_cutmix_1xb16-200e_stanford-cars.py']

model = dict(mixer=dict(_delete_=True, type='BatchSnapMix', alpha=5.0))
