# CIFAR-100 CNNs (ResNet-18, ResNeXt-50): SGD lr 0.1, momentum 0.9, wd 1e-4,
# cosine to 0 (per epoch) over 800 epochs; validate every epoch (the top-1
# median of the last 10 epochs is read from the logs).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=800, by_epoch=True, eta_min=0.),
]
train_cfg = dict(by_epoch=True, max_epochs=800, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=100)
