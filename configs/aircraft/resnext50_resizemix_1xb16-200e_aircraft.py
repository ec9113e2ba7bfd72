# ResizeMix baseline (SUMix off):
# ResNeXt-50 32x4d (ImageNet-pretrained), FGVC-Aircraft (variants).
_base_ = ['./resnext50_resizemix-sumix_1xb16-200e_aircraft.py']

model = dict(sumix=None)
