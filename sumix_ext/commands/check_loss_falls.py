"""Exit 1 unless a run's training loss fell (first vs last logged values);
used by tools/gpu_check.sh. Logic: sumix_ext.evaluation.gpu_report."""
import argparse
import sys

from sumix_ext.evaluation.gpu_report import loss_trend


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir')
    parser.add_argument('--first', type=int, default=5)
    parser.add_argument('--last', type=int, default=5)
    args = parser.parse_args(argv)
    res = loss_trend(args.work_dir, args.first, args.last)
    print(f"training loss: first {args.first} logged mean {res['first']:.4f}"
          f", last {args.last} mean {res['last']:.4f} ({res['n']} records): "
          + ('falls' if res['falls'] else 'DOES NOT FALL'))
    if not res['falls']:
        sys.exit(1)
    return res


if __name__ == '__main__':
    main()
