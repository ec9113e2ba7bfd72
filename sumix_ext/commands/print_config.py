"""Print the resolved config (after ``_base_`` and ``--cfg-options``), as
mmpretrain's ``tools/misc/print_config.py``.

Example:
    python tools/misc/print_config.py \
        configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py \
        --cfg-options model.sumix=None
"""
import argparse

from sumix_ext.apis import cli, cli_errors, load_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Print the whole config')
    parser.add_argument('config', help='config file path')
    cli.add_cfg_options(parser)
    parser.add_argument('--out', default=None,
                        help='also dump the resolved config to this .py '
                        '(or .json/.yaml) file')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        cfg = load_config(args.config, args.cfg_options)
        print(f'Config:\n{cfg.pretty_text}')
        if args.out:
            cfg.dump(args.out)
            print(f'saved {args.out}')
    return cfg


if __name__ == '__main__':
    main()
