# No mixup (plain training of the same model):
# ResNet-18 (ImageNet-pretrained), FGVC-Aircraft (variants).
_base_ = ['./resnet18_cutmix-sumix_1xb16-200e_aircraft.py']

model = dict(mixer=None, sumix=None)
