"""Small checks behind ``tools/gpu_check.sh``: does the training loss fall,
and how much faster is AMP than fp32 in ``benchmark_step.py`` results."""
import json
import statistics
from typing import Dict, Sequence

from .run_logs import load_records, split_records


def loss_trend(work_dir: str, first: int = 5, last: int = 5) -> dict:
    """Mean logged training loss of the first and the last records.

    Args:
        work_dir (str): A run's work dir (MMEngine JSON logs).
        first (int): How many of the first logged losses.
        last (int): How many of the last logged losses.

    Returns:
        dict: ``first``, ``last`` (means), ``n`` (records) and ``falls``
        (``last < first``).
    """
    train, _ = split_records(load_records(work_dir))
    losses = [float(r['loss']) for r in train]
    if len(losses) < first + last:
        raise ValueError(f'{work_dir}: {len(losses)} logged losses, need at '
                         f'least {first + last}; log more often '
                         '(default_hooks.logger.interval)')
    head = statistics.fmean(losses[:first])
    tail = statistics.fmean(losses[-last:])
    return dict(first=head, last=tail, n=len(losses), falls=tail < head)


def amp_speedups(pairs: Dict[str, Sequence[str]],
                 variants: Sequence[str] = ('b', 'c', 'd')) -> str:
    """Markdown table of fp32 / AMP median step-time ratios.

    Args:
        pairs (dict): ``{setting: (fp32 JSON, amp JSON)}`` written by
            ``benchmark_step.py --out``.
        variants (Sequence[str]): Variants to compare.

    Returns:
        str: One row per setting and variant: both medians (ms) and the
        speed-up ``fp32 / amp`` against the target 1.5.
    """
    lines = ['| setting | variant | fp32 step (ms) | AMP step (ms) | speed-up '
             '(target >= 1.5) |', '|:--|:--|--:|--:|--:|']
    for setting, (fp32_path, amp_path) in pairs.items():
        with open(fp32_path) as f:
            fp32 = json.load(f)
        with open(amp_path) as f:
            amp = json.load(f)
        for v in variants:
            if v not in fp32['variants'] or v not in amp['variants']:
                continue
            a = fp32['variants'][v]['median_ms']
            b = amp['variants'][v]['median_ms']
            verdict = 'met' if a / b >= 1.5 else 'missed'
            lines.append(f'| {setting} | ({v}) {fp32["variants"][v]["name"]}'
                         f' | {a:.1f} | {b:.1f} | {a / b:.2f} ({verdict}) |')
    return '\n'.join(lines)
