# PuzzleMix (Kim et al., ICML 2020): graph-cut block mask from the input
# gradient of the model being trained, then optimal transport of the salient
# blocks (procedure 'puzzlemix'; SUMix off, it is refused). ResNet-18 (CIFAR
# stem), CIFAR-100, 800 epochs (this grid's schedule). Settings: the
# authors' CIFAR-100 command (--mixup_alpha 1.0 --n_labels 3 --eta 0.2
# --beta 1.2 --gamma 0.5 --neigh_size 4 --transport True --t_size 4 --t_eps
# 0.8; grids 2**randint(1, 5)), as OpenMixup's CIFAR-100 PuzzleMix config
# (block_num=5, t_size=4); no perturbation or clean loss (adv_p 0,
# clean_lam 0: the saliency pass trains no weight). docs/mixers.md.
_base_ = ['./resnet18_cutmix_1xb100-800e_cifar100.py']

model = dict(mixer=dict(_delete_=True, type='BatchPuzzleMix', alpha=1.0,
                        block_num=(2, 4, 8, 16), beta=1.2, gamma=0.5,
                        eta=0.2, neigh_size=4, n_labels=3, transport=True,
                        t_eps=0.8, t_size=4, adv_p=0.0, clean_lam=0.0))
