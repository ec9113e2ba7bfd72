# CUB-200 / FGVC-Aircraft / Stanford Cars fine-tuning from ImageNet weights:
# SGD lr 0.001, momentum 0.9, wd 5e-4, cosine to 0 over 200 epochs;
# validate every epoch.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.001, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=200, by_epoch=True, eta_min=0.),
]
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16)
