"""Train a model from a config (mmpretrain's tools/train.py conventions).

Example:
    python tools/train.py configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py
    python tools/train.py CONFIG --resume            # latest in work dir
    python tools/train.py CONFIG --amp               # GPU AMP or CPU bf16
    python tools/train.py CONFIG --cfg-options model.sumix=None
"""
import argparse

from sumix_ext.apis import (apply_dataloader_defaults, build_runner_from_cfg,
                            cli, cli_errors, finish_distributed, load_config)
from sumix_ext.apis.runner import unsafe_scope_of
from sumix_ext.apis.signals import stop_on_signals
from sumix_ext.engine.runner.run_archive import archive_before_training
from sumix_ext.engine.work_dir_lock import work_dir_lock


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
        '--amp-dtype',
        choices=['float16', 'bfloat16'],
        help='with --amp: the autocast dtype (GPU default float16 with loss '
        'scaling; bfloat16 needs no scaling; CPU supports bfloat16 only)')
    cli.add_load_args(parser)
    cli.add_cfg_options(parser)
    cli.add_launcher_args(parser)
    return cli.parse_launcher_args(parser, argv)


def merge_args(cfg, args):
    """Merge CLI arguments into the config, as mmpretrain does."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    cli.merge_common_args(cfg, args)
    if args.amp_dtype and not args.amp:
        raise ValueError('--amp-dtype needs --amp')
    if args.amp and args.amp_dtype:
        cfg.optim_wrapper.dtype = args.amp_dtype
    if args.amp:
        cfg.optim_wrapper.setdefault('type', 'OptimWrapper')
        cfg.optim_wrapper.type = 'AmpAnyDeviceOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    train_cfg = cfg.get('train_cfg') or {}
    for key in ('max_epochs', 'max_iters'):
        value = train_cfg.get(key)
        if isinstance(value, (int, float)) and not isinstance(
                value, bool) and value < 1:
            raise ValueError(f'train_cfg.{key}={value}: nothing to train; '
                             f'set train_cfg.{key} to 1 or more')
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
    return cfg


def main(argv=None):
    args = parse_args(argv)
    with cli_errors(), stop_on_signals():
        cfg = load_config(args.config, args.cfg_options)
        cfg = merge_args(cfg, args)
        # the run owns its work folder from before its first write
        with work_dir_lock(cfg.work_dir), unsafe_scope_of(cfg):
            # a fresh run never overwrites an earlier run's files
            archived = archive_before_training(
                cfg.work_dir, bool(cfg.get('resume')), cfg.get('load_from'))
            runner = build_runner_from_cfg(cfg)
            if archived is not None:
                runner.logger.warning(archived.message(runner.work_dir))
            runner.train()
        finish_distributed()


if __name__ == '__main__':
    main()
