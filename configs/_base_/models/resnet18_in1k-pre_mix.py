# ResNet-18 (ImageNet stem) initialised from ImageNet-1K weights, for the
# fine-grained benchmarks. The weights are never downloaded: put torchvision's
# file at the path below (how: configs/README.md, "Pretrained weights") or
# point to another one with
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/weights.pth
# (an mmpretrain classifier checkpoint also needs
#   model.backbone.init_cfg.prefix=backbone.).
# A missing file stops training at start with "checkpoint not found: <path>".
_base_ = ['./resnet18_mix.py']

model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained',
                      checkpoint='data/pretrained/resnet18-f37072fd.pth')))
