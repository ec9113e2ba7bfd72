# PuzzleMix (Kim et al., ICML 2020): graph-cut block mask from the input
# gradient of the model being trained, then optimal transport of the salient
# blocks (procedure 'puzzlemix'; SUMix off, it is refused). ResNet-18 (CIFAR
# stem), Tiny-ImageNet-200, 400 epochs (this grid's schedule). Settings: the
# authors' Tiny-ImageNet command (--mixup_alpha 1.0 --n_labels 3 --eta 0.2
# --beta 1.2 --gamma 0.5 --neigh_size 4 --transport True --t_eps 0.8
# --clean_lam 1; t_size -1: transport at the cut's blocks; grids
# 2**randint(1, 5) = block sides 32..4 px at 64 px). OpenMixup's Tiny config
# draws grids 2-8 only (block_num=4) and has no clean loss: where they
# differ this follows the authors. docs/mixers.md.
_base_ = ['./resnet18_cutmix_1xb100-400e_tiny-imagenet.py']

model = dict(mixer=dict(_delete_=True, type='BatchPuzzleMix', alpha=1.0,
                        block_num=(2, 4, 8, 16), beta=1.2, gamma=0.5,
                        eta=0.2, neigh_size=4, n_labels=3, transport=True,
                        t_eps=0.8, t_size=-1, adv_p=0.0, clean_lam=1.0))
