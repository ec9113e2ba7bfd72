"""Images per second of a config's training data pipeline with 0 / N
DataLoader workers (decode + augment + collate; no model).

With ``--synthetic N`` the config's dataset is written as N synthetic images
in its real layout to a temporary folder first (CIFAR-100 and ImageNet
configs), for timing where the data is absent. Logic:
:mod:`sumix_ext.evaluation.pipeline_speed`.

Example:
    python tools/analysis_tools/benchmark_pipeline.py \\
        configs/imagenet/resnet18_cutmix-sumix_4xb64-100e_in1k.py \\
        --synthetic 1600 --workers 0 2 --batches 20
"""
import argparse
import json
import tempfile

from sumix_ext.apis import cli_errors, load_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--workers', nargs='+', type=int, default=[0, 2])
    parser.add_argument('--batches', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--synthetic', type=int, default=0, metavar='N',
                        help='time on N synthetic images in the dataset '
                        'layout (CIFAR-100, ImageNet configs)')
    parser.add_argument('--out', help='write the numbers as JSON')
    return parser.parse_args(argv)


def main(argv=None) -> list:
    args = parse_args(argv)
    with cli_errors():
        from sumix_ext.datasets.synthetic import (write_cifar100,
                                                  write_imagenet)
        from sumix_ext.evaluation.pipeline_speed import pipeline_throughput
        cfg = load_config(args.config)
        kind = cfg.train_dataloader.dataset.type
        with tempfile.TemporaryDirectory() as tmp:
            root = None
            if args.synthetic:
                if kind == 'LocalCIFAR100':
                    root = write_cifar100(tmp, args.synthetic, 10)
                elif kind == 'LocalImageNet':
                    root = write_imagenet(tmp, args.synthetic, 3,
                                          size=(375, 500), noise=True)
                else:
                    raise ValueError(f'--synthetic knows CIFAR-100 and '
                                     f'ImageNet configs, not {kind}')
            rows = [pipeline_throughput(cfg, w, args.batches, args.warmup,
                                        root) for w in args.workers]
        print(f'{args.config} ({kind}'
              + (f', {args.synthetic} synthetic images' if root else '')
              + f'), batch {rows[0]["batch_size"]}:')
        print('| workers | images/s (wall) | images per CPU-second of the '
              'main process |\n|--:|--:|--:|')
        for r in rows:
            cpu = r['cpu_images_per_s']
            print(f"| {r['num_workers']} | {r['images_per_s']:.0f} | "
                  + (f'{cpu:.0f}' if cpu else '-') + ' |')
        if args.out:
            with open(args.out, 'w') as f:
                json.dump(dict(config=args.config, rows=rows), f, indent=1)
    return rows


if __name__ == '__main__':
    main()
