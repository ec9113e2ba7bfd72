"""Cost of each mixer as a share of one ResNet-18 training step.

In one process, for each shape (default: 100x3x32x32 with mmpretrain's
``ResNet_CIFAR`` depth 18, and 64x3x224x224 with ``ResNet`` depth 18):

* the median of a full training step: forward, cross-entropy, backward and
  an SGD update (``--step-repeats`` timed steps after one warm-up);
* the median of each mixer's ``__call__`` (``MixOutput`` form: index draw,
  lam draw, mask and mixing) over ``--mix-repeats`` calls after warm-up.

It prints a Markdown table (mixer, ms, % of the step, per shape) and can
write the numbers as JSON. Timings are wall-clock medians
(``time.perf_counter``); on CUDA each call is bracketed by
``torch.cuda.synchronize()``. Target (issue #3): every mixer <= 2 % of a
step.

Examples::

    OMP_NUM_THREADS=1 python tools/analysis_tools/benchmark_mixers.py
    python tools/analysis_tools/benchmark_mixers.py --shapes 100x3x32x32 \
        --mixers BatchFMix BatchSaliencyMix --out work_dirs/mix_bench.json
"""
import argparse
import datetime
import json
import os
import os.path as osp
import statistics
import sys
from typing import Callable


import numpy as np
import torch
import torch.nn.functional as F

DEFAULT_SHAPES = ('100x3x32x32', '64x3x224x224')


def parse_args(argv=None):
    from sumix_ext.models.mixers import MIXER_NAMES
    parser = argparse.ArgumentParser(
        description='Mixer time as a share of a ResNet-18 training step')
    parser.add_argument('--shapes', nargs='+', default=list(DEFAULT_SHAPES),
                        help='batch shapes NxCxHxW (32 px and below use '
                        'ResNet_CIFAR, larger ResNet)')
    parser.add_argument('--mixers', nargs='+', default=list(MIXER_NAMES),
                        help='registered mixer names (default: all seven)')
    parser.add_argument('--step-repeats', type=int, default=3,
                        help='timed training steps per shape')
    parser.add_argument('--mix-repeats', type=int, default=20,
                        help='timed calls per mixer and shape')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument('--out', help='also write the results as JSON here')
    return parser.parse_args(argv)


def cpu_model() -> str:
    """The CPU model name (the step harness's machine info)."""
    from types import SimpleNamespace

    from sumix_ext.benchmark.step import machine_info
    return machine_info(SimpleNamespace(device='cpu'))['cpu']


def parse_shape(text: str) -> tuple:
    try:
        shape = tuple(int(v) for v in text.lower().split('x'))
    except ValueError:
        shape = ()
    if len(shape) != 4 or min(shape) < 1 or shape[0] < 2:
        raise ValueError(f'--shapes: expected NxCxHxW with N >= 2, e.g. '
                         f'100x3x32x32, got {text!r}')
    return shape


def median_ms(fn: Callable, repeats: int, warmup: int,
              device: torch.device) -> float:
    """Median wall time of ``fn()`` in milliseconds (the step harness's
    synchronised timer)."""
    from sumix_ext.benchmark.step import timed
    for _ in range(warmup):
        fn()
    return 1e3 * statistics.median(
        timed(fn, device.type) for _ in range(repeats))


def build_step(shape: tuple, device: torch.device) -> Callable:
    """A full ResNet-18 training step on a fixed random batch."""
    from mmpretrain.registry import MODELS
    n, c, h, _ = shape
    if h <= 32:
        backbone = dict(type='ResNet_CIFAR', depth=18, in_channels=c)
    else:
        backbone = dict(type='ResNet', depth=18, in_channels=c)
    num_classes = 10 if h <= 32 else 1000
    backbone = MODELS.build(backbone).to(device)
    head = torch.nn.Linear(512, num_classes).to(device)
    params = list(backbone.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(shape, device=device)
    y = torch.randint(num_classes, (n, ), device=device)
    backbone.train()

    def step():
        feat = backbone(x)[-1].mean(dim=(2, 3))
        loss = F.cross_entropy(head(feat), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def run(args) -> dict:
    import sumix_ext  # noqa: F401  (registers the mixers)
    from sumix_ext.models.mixers import build_mixer
    device = torch.device(args.device)
    np.random.seed(0)
    torch.manual_seed(0)
    results = dict(
        date=datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'),
        machine=cpu_model(), cpus=os.cpu_count(),
        torch=torch.__version__, threads=torch.get_num_threads(),
        device=str(device), step_repeats=args.step_repeats,
        mix_repeats=args.mix_repeats, shapes={})
    for text in args.shapes:
        shape = parse_shape(text)
        step_ms = median_ms(build_step(shape, device), args.step_repeats, 1,
                            device)
        x = torch.randn(shape, device=device)
        mixers = {}
        for name in args.mixers:
            mixer = build_mixer(dict(type=name))
            ms = median_ms(lambda: mixer(x), args.mix_repeats, 3, device)
            mixers[name] = dict(ms=ms, share=ms / step_ms)
            print(f'{text} {name}: {ms:.2f} ms = {100 * ms / step_ms:.2f} % '
                  f'of a {step_ms:.0f} ms step', file=sys.stderr)
        results['shapes'][text] = dict(step_ms=step_ms, mixers=mixers)
    return results


def markdown(results: dict) -> str:
    shapes = list(results['shapes'])
    head = '| mixer | ' + ' | '.join(
        f'{s} ms | % of step' for s in shapes) + ' |'
    rule = '|---|' + '---:|---:|' * len(shapes)
    rows = ['| ResNet-18 train step | ' + ' | '.join(
        f"{results['shapes'][s]['step_ms']:.0f} | 100" for s in shapes) +
        ' |']
    names = list(results['shapes'][shapes[0]]['mixers'])
    for name in names:
        cells = []
        for s in shapes:
            r = results['shapes'][s]['mixers'][name]
            cells.append(f"{r['ms']:.2f} | {100 * r['share']:.2f}")
        rows.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join([head, rule] + rows)


def main(argv=None) -> int:
    from sumix_ext.apis import cli_errors
    with cli_errors():
        args = parse_args(argv)
        results = run(args)
        print(f"{results['date']}, {results['machine']}, torch "
              f"{results['torch']}, {results['threads']} thread(s), "
              f"{results['device']}; medians of {results['step_repeats']} "
              f"steps / {results['mix_repeats']} mixer calls\n")
        print(markdown(results))
        print()
        if args.out:
            os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
            with open(args.out, 'w') as f:
                json.dump(results, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
