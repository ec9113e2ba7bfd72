"""Mixer cost as a share of a plain ResNet-18 training step (the harness
behind ``tools/analysis_tools/benchmark_mixers.py``).

Timing uses the step harness's synchronised clock
(:func:`sumix_ext.benchmark.step.timed`) and machine information, so the
two benchmarks measure alike.
"""
import datetime
import statistics
import sys
from types import SimpleNamespace
from typing import Callable, Dict, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .clock import machine_info, timed


def parse_shape(text: str) -> Tuple[int, int, int, int]:
    """``'NxCxHxW'`` -> ``(N, C, H, W)``; one error line names the fix."""
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
    """Median wall time of ``fn()`` in milliseconds after ``warmup``
    untimed calls."""
    for _ in range(warmup):
        fn()
    return 1e3 * statistics.median(
        timed(fn, device.type) for _ in range(repeats))


def plain_step(shape: Sequence[int], device: torch.device) -> Callable:
    """A full ResNet-18 training step (forward, CE, backward, SGD) on a
    fixed random batch: ``ResNet_CIFAR`` up to 32 px (10 classes), the
    ImageNet ``ResNet`` above (1000 classes)."""
    from mmpretrain.registry import MODELS
    n, c, h, _ = shape
    small = h <= 32
    backbone = MODELS.build(dict(type='ResNet_CIFAR' if small else 'ResNet',
                                 depth=18, in_channels=c)).to(device)
    num_classes = 10 if small else 1000
    head = torch.nn.Linear(512, num_classes).to(device)
    params = list(backbone.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(tuple(shape), device=device)
    y = torch.randint(num_classes, (n, ), device=device)
    backbone.train()

    def step():
        feat = backbone(x)[-1].mean(dim=(2, 3))
        loss = F.cross_entropy(head(feat), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def mixer_shares(shapes: Sequence[str], mixers: Sequence[str],
                 device: str = 'cpu', step_repeats: int = 3,
                 mix_repeats: int = 20) -> dict:
    """Time each mixer's ``__call__`` against a training step, per shape.

    share = median mixer ms / median step ms (medians over the repeats,
    one warm-up step, three warm-up mixer calls).

    Args:
        shapes (Sequence[str]): ``'NxCxHxW'`` batch shapes.
        mixers (Sequence[str]): Registered mixer names (default settings).
        device (str): ``'cpu'`` or ``'cuda'``.
        step_repeats (int): Timed training steps per shape.
        mix_repeats (int): Timed calls per mixer and shape.

    Returns:
        dict: Date, machine, settings and ``shapes[shape] = dict(step_ms,
        mixers={name: dict(ms, share)})``.
    """
    import sumix_ext  # noqa: F401  (registers the mixers)
    from sumix_ext.models.mixers import build_mixer
    dev = torch.device(device)
    np.random.seed(0)
    torch.manual_seed(0)
    machine = machine_info(SimpleNamespace(device=dev.type))
    results = dict(
        date=datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'),
        machine=machine['cpu'], cpus=machine['cpu_count'],
        torch=torch.__version__, threads=torch.get_num_threads(),
        device=str(dev), step_repeats=step_repeats,
        mix_repeats=mix_repeats, shapes={})
    for text in shapes:
        shape = parse_shape(text)
        step_ms = median_ms(plain_step(shape, dev), step_repeats, 1, dev)
        x = torch.randn(shape, device=dev)
        out: Dict[str, dict] = {}
        for name in mixers:
            mixer = build_mixer(dict(type=name))
            ms = median_ms(lambda: mixer(x), mix_repeats, 3, dev)
            out[name] = dict(ms=ms, share=ms / step_ms)
            print(f'{text} {name}: {ms:.2f} ms = {100 * ms / step_ms:.2f} % '
                  f'of a {step_ms:.0f} ms step', file=sys.stderr)
        results['shapes'][text] = dict(step_ms=step_ms, mixers=out)
    return results


def shares_markdown(results: dict) -> str:
    """Markdown table of :func:`mixer_shares` (ms and % of the step)."""
    shapes = list(results['shapes'])
    head = '| mixer | ' + ' | '.join(
        f'{s} ms | % of step' for s in shapes) + ' |'
    rule = '|---|' + '---:|---:|' * len(shapes)
    rows = ['| ResNet-18 train step | ' + ' | '.join(
        f"{results['shapes'][s]['step_ms']:.0f} | 100" for s in shapes) +
        ' |']
    for name in results['shapes'][shapes[0]]['mixers']:
        cells = [f"{r['ms']:.2f} | {100 * r['share']:.2f}" for r in (
            results['shapes'][s]['mixers'][name] for s in shapes)]
        rows.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join([head, rule] + rows)
