"""Cost of each mixer as a share of one ResNet-18 training step.

In one process, for each shape (default: 100x3x32x32 with mmpretrain's
``ResNet_CIFAR`` depth 18, and 64x3x224x224 with ``ResNet`` depth 18):

* the median of a full training step: forward, cross-entropy, backward and
  an SGD update (``--step-repeats`` timed steps after one warm-up);
* the median of each mixer's ``__call__`` (``MixOutput`` form: index draw,
  lam draw, mask and mixing) over ``--mix-repeats`` calls after warm-up.

It prints a Markdown table (mixer, ms, % of the step, per shape) and can
write the numbers as JSON (harness: :mod:`sumix_ext.benchmark.mixers`).
Timings are wall-clock medians (``time.perf_counter``); on CUDA each call
is bracketed by ``torch.cuda.synchronize()``. Target (issue #3): every
mixer <= 2 % of a step.

Examples::

    OMP_NUM_THREADS=1 python tools/analysis_tools/benchmark_mixers.py
    python tools/analysis_tools/benchmark_mixers.py --shapes 100x3x32x32 \
        --mixers BatchFMix BatchSaliencyMix --out work_dirs/mix_bench.json
"""
import argparse
import json
import os
import os.path as osp
import sys

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


def main(argv=None) -> int:
    from sumix_ext.apis import cli_errors
    from sumix_ext.benchmark.mixers import mixer_shares, shares_markdown
    with cli_errors():
        args = parse_args(argv)
        results = mixer_shares(args.shapes, args.mixers, args.device,
                               args.step_repeats, args.mix_repeats)
        print(f"{results['date']}, {results['machine']}, torch "
              f"{results['torch']}, {results['threads']} thread(s), "
              f"{results['device']}; medians of {results['step_repeats']} "
              f"steps / {results['mix_repeats']} mixer calls\n")
        print(shares_markdown(results))
        print()
        if args.out:
            os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
            with open(args.out, 'w') as f:
                json.dump(results, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
