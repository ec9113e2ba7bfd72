# Tiny-ImageNet: SGD lr 0.2, momentum 0.9, wd 1e-4, cosine to 0 over 400
# epochs; validate every epoch.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=400, by_epoch=True, eta_min=0.),
]
train_cfg = dict(by_epoch=True, max_epochs=400, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=100)
