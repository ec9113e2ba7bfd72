# SGD + cosine to 0, per-iteration updates; short runs (demo, study).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4,
                   nesterov=False))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=4, by_epoch=True, eta_min=0.,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=4, val_interval=4)
val_cfg = dict()
test_cfg = dict()
