# Gate calibration of the cluttered-scene regime (docs/results/clutter_calibration.md):
# the committed clutter config (10-18 px garments on grey photographs at half
# contrast, 1000 images) trained 8x longer. At seed 0 the oracle sits 2.40
# points below no mixing at 100 epochs, 0.58 below at 200 and 0.16 above at
# 400 (resnet18-w16_cutmix-sumix_1xb64-400e_...): this leaf tests whether the
# trend goes on, i.e. whether a correct label makes CutMix worth turning on
# once no mixing has had time to overfit. Validation at epochs 780-800 (the last
# 5, every 5 epochs), everything else as the parent.
_base_ = ['./resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py']

max_epochs = 800
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, by_epoch=True,
         eta_min=0., convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_begin=780, val_interval=5)
