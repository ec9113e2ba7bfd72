# ResNeXt-50 32x4d (ImageNet stem) initialised from ImageNet-1K weights, for
# the fine-grained benchmarks. Never downloaded: put torchvision's file at the
# path below (configs/README.md, "Pretrained weights") or override
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/weights.pth
# (an mmpretrain classifier checkpoint also needs
#   model.backbone.init_cfg.prefix=backbone.).
# A missing file stops training at start with "checkpoint not found: <path>".
_base_ = ['./resnext50_mix.py']

model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='data/pretrained/resnext50_32x4d-7cdf4587.pth')))
