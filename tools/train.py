"""Train a model from a config (mmpretrain's tools/train.py conventions).

Example:
    python tools/train.py configs/fashion_mnist/resnet18-w16_cutmix-sumix_fmnist-demo.py
    python tools/train.py CONFIG --resume            # latest in work dir
    python tools/train.py CONFIG --amp               # GPU AMP or CPU bf16
    python tools/train.py CONFIG --cfg-options model.sumix=None
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from sumix_ext.apis import (DictActionLazy,  # noqa: E402
                            apply_dataloader_defaults, build_runner_from_cfg,
                            cli_errors, close_distributed, load_config)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a classifier')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='If specify checkpoint path, resume from it, while if not '
        'specify, try to auto resume from the latest checkpoint '
        'in the work directory.')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 AMP on GPU, bf16 autocast on CPU')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='whether not to evaluate the checkpoint during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='whether to auto scale the learning rate according to the '
        'actual batch size and the original batch size.')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='whether to disable the pin_memory option in dataloaders.')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='whether to disable the persistent_workers option in '
        'dataloaders.')
    parser.add_argument(
        '--unsafe-load',
        action='store_true',
        help='allow full unpickling of a load_from/resume checkpoint that '
        'weights_only loading refuses (only for files you trust)')
    parser.add_argument(
        '--amp-dtype',
        choices=['float16', 'bfloat16'],
        help='with --amp: the autocast dtype (GPU default float16 with loss '
        'scaling; bfloat16 needs no scaling; CPU supports bfloat16 only)')
    parser.add_argument(
        '--partial-load',
        action='store_true',
        help='load_from a checkpoint that fits the model only in part '
        '(default: one error line)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictActionLazy,
        help='override some settings in the used config, the key-value pair '
        'in xxx=yyy format will be merged into config file.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Merge CLI arguments into the config, as mmpretrain does."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp_dtype and not args.amp:
        raise ValueError('--amp-dtype needs --amp')
    if args.amp and args.amp_dtype:
        cfg.optim_wrapper.dtype = args.amp_dtype
    if args.amp:
        cfg.optim_wrapper.setdefault('type', 'OptimWrapper')
        cfg.optim_wrapper.type = 'AmpAnyDeviceOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        if not isinstance(cfg.get('auto_scale_lr'), dict) or \
                'base_batch_size' not in cfg.auto_scale_lr:
            raise KeyError(
                '--auto-scale-lr needs auto_scale_lr.base_batch_size (the '
                'total batch size the learning rate was tuned for) in the '
                'config; add auto_scale_lr = dict(base_batch_size=...) or '
                '--cfg-options auto_scale_lr.base_batch_size=N')
        cfg.auto_scale_lr.enable = True

    apply_dataloader_defaults(cfg, args.no_pin_memory,
                              args.no_persistent_workers)
    cfg.launcher = args.launcher
    if args.unsafe_load:
        cfg.unsafe_load = True
    if args.partial_load:
        cfg.load_partial = True
    return cfg


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        cfg = load_config(args.config, args.cfg_options)
        cfg = merge_args(cfg, args)
        runner = build_runner_from_cfg(cfg)
        runner.train()
        close_distributed()


if __name__ == '__main__':
    main()
