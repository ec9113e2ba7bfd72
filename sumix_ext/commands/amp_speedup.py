"""AMP speed-up table from benchmark_step.py JSON files given as pairs:
CIFAR_FP32 CIFAR_AMP [IN1K_FP32 IN1K_AMP]; used by tools/gpu_check.sh.
Logic: sumix_ext.evaluation.gpu_report."""
import argparse
import os.path as osp

from sumix_ext.evaluation.gpu_report import amp_speedups


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('jsons', nargs='+', help='fp32/AMP pairs')
    args = parser.parse_args(argv)
    if len(args.jsons) % 2:
        parser.error('give fp32/AMP JSON files in pairs')
    pairs = {osp.basename(args.jsons[i]).rsplit('_', 1)[0]:
             (args.jsons[i], args.jsons[i + 1])
             for i in range(0, len(args.jsons), 2)}
    text = amp_speedups(pairs)
    print(text)
    return text


if __name__ == '__main__':
    main()
