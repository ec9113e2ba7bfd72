# ResizeMix baseline (SUMix off):
# ResNet-18 (CIFAR stem), CIFAR-100.
_base_ = ['./resnet18_resizemix-sumix_1xb100-800e_cifar100.py']

model = dict(sumix=None)
