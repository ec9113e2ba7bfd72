# CIFAR-100 WRN-28-8, the authors' settings: SGD lr 0.03, momentum 0.9,
# wd 1e-3 (their config notes 1e-3 or 5e-4 depending on the mixer), cosine
# to 0 over 400 epochs; validate every epoch.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=1e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=400, by_epoch=True, eta_min=0.),
]
train_cfg = dict(by_epoch=True, max_epochs=400, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=100)
