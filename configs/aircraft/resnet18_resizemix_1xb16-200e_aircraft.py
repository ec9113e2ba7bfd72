# ResizeMix baseline (SUMix off):
# ResNet-18 (ImageNet-pretrained), FGVC-Aircraft (variants).
_base_ = ['./resnet18_resizemix-sumix_1xb16-200e_aircraft.py']

model = dict(sumix=None)
