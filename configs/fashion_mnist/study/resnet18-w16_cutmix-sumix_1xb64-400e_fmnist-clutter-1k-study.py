# Gate calibration of the cluttered-scene regime (docs/results/clutter_calibration.md):
# the committed clutter config (10-18 px garments on grey photographs at half
# contrast, 1000 images) trained 4x longer. At 100 epochs the oracle sits
# 2.40 points below no mixing and at 200 epochs 0.58 below (seed 0): this leaf
# tests whether a longer schedule, where no mixing overfits, lets a correct
# label make CutMix worth turning on. Validation at epochs 380-400 (the last
# 5, every 5 epochs), everything else as the parent.
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py']

max_epochs = 400
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, by_epoch=True,
         eta_min=0., convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_begin=380, val_interval=5)
