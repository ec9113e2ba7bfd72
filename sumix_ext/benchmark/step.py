"""Training-step cost harness behind ``tools/analysis_tools/benchmark_step.py``
(the variants, the bare-PyTorch reference, round-robin timing, peak memory,
the components and the report); the tool only parses arguments.
See the tool's docstring for what is measured and why.
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List

import torch

VARIANTS = {
    'a': 'stock ImageClassifier + mmpretrain CutMix',
    'b': 'MixupClassifier + BatchCutMix',
    'c': 'MixupClassifier + BatchCutMix + SUMix (faithful)',
    'd': 'MixupClassifier + BatchCutMix + SUMix fast '
         "(model.clean_pass='no_grad')",
    'p1': 'bare PyTorch step, one pass (reference)',
    'p2': 'bare PyTorch step, two passes: mixed + clean (reference)',
}
#: (ratio name, numerator, denominator, comparison, target)
TARGETS = [
    ('b/a', 'b', 'a', '<=', 1 / 0.98),
    ('c/b', 'c', 'b', '<=', 2.05),
    ('d/b', 'd', 'b', '<=', 1.35),
]
#: (ratio name, numerator, denominator): measured references, no target
REFERENCES = [
    ('p2/p1', 'p2', 'p1'),
    ('p1/b', 'p1', 'b'),
]
LOSS_TARGET_PCT = 1.0


# ----------------------------------------------------------------- models
def backbone_cfg(args):
    """``(backbone config, feature channels)`` of ``--arch``:
    ``resnet18-cifar`` (CIFAR stem, ``--width`` channels) or ``resnet50``
    (mmpretrain's ImageNet ResNet-50, 2048 features)."""
    if getattr(args, 'arch', 'resnet18-cifar') == 'resnet50':
        return dict(type='ResNet', depth=50, in_channels=3,
                    out_indices=(3, )), 2048
    w = args.width
    return dict(type='ResNet_CIFAR', depth=18, in_channels=3,
                stem_channels=w, base_channels=w, out_indices=(3, )), 8 * w


def model_cfg(variant: str, args) -> dict:
    """Registry config of one variant."""
    backbone, feat = backbone_cfg(args)
    preproc = dict(type='ClsDataPreprocessor', num_classes=args.num_classes,
                   mean=[125.3, 123.0, 113.9], std=[63.0, 62.1, 66.7],
                   to_rgb=False)
    if variant == 'a':
        return dict(
            type='ImageClassifier', backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=args.num_classes,
                      in_channels=feat,
                      loss=dict(type='CrossEntropyLoss', loss_weight=1.0,
                                use_soft=True)),
            data_preprocessor=preproc,
            train_cfg=dict(augments=dict(type='CutMix', alpha=0.2)))
    sumix = None
    if variant in ('c', 'd'):
        sumix = dict(type='SUMixLoss', gamma=0.5, lam_reduction='batch')
    return dict(
        type='MixupClassifier', backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='SUMixHead', num_classes=args.num_classes,
                  in_channels=feat,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        data_preprocessor=preproc,
        mixer=dict(type='BatchCutMix', alpha=0.2),
        sumix=sumix, clean_pass='no_grad' if variant == 'd' else 'full')


class BareStep(torch.nn.Module):
    """Reference (p1)/(p2): a training step in plain PyTorch.

    The same backbone (``--arch``), average pooling and a linear layer;
    uint8 -> float normalisation, a CutMix box (``lam`` from Beta(0.2, 0.2),
    area-corrected; the box helpers of ``BatchCutMix``, plain torch), mixup
    CE ``lam CE(z, y) + (1 - lam) CE(z, y[perm])``, one backward and an SGD
    step. ``passes=2`` adds a forward of the clean batch whose CE joins the
    loss before the one backward, i.e. the work of faithful SUMix without
    any of its code.

    Args:
        backbone (dict): ``ResNet_CIFAR`` config (registry-built).
        num_classes (int): Classes ``K``.
        in_channels (int): Feature width at the pooling.
        passes (int): 1 (mixed) or 2 (mixed + clean).
        dtype (str): ``'fp32'``, ``'bf16'`` or ``'fp16'`` (autocast; the
            fp16 reference has no loss scaling, it only times the step).
    """

    def __init__(self, backbone: dict, num_classes: int, in_channels: int,
                 passes: int, dtype: str = 'fp32'):
        super().__init__()
        from mmpretrain.registry import MODELS
        self.backbone = MODELS.build(backbone)
        self.fc = torch.nn.Linear(in_channels, num_classes)
        self.passes = passes
        self.dtype = dtype
        self.register_buffer(
            'mean', torch.tensor([125.3, 123.0, 113.9]).view(1, 3, 1, 1))
        self.register_buffer(
            'std', torch.tensor([63.0, 62.1, 66.7]).view(1, 3, 1, 1))
        self.beta = torch.distributions.Beta(0.2, 0.2)

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.backbone(x)[-1]
        return self.fc(feat.mean(dim=(2, 3)))

    def train_step(self, data: dict, optimizer) -> dict:
        from sumix_ext.models.mixers.box import clip_box, cut_size
        dev = self.mean.device
        x = (data['inputs'].to(dev).float() - self.mean) / self.std
        y = torch.cat([s.gt_label for s in data['data_samples']]).to(dev)
        n, _, h, w = x.shape
        lam = float(self.beta.sample())
        perm = torch.randperm(n, device=dev)
        y0, y1, x0, x1 = (int(c) for c in clip_box(
            torch.randint(h, ()), torch.randint(w, ()),
            *cut_size(lam, h, w), h, w))
        mixed = x.clone()
        mixed[:, :, y0:y1, x0:x1] = x[perm, :, y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
        ce = torch.nn.functional.cross_entropy
        cast = torch.float16 if self.dtype == 'fp16' else torch.bfloat16
        with torch.autocast(dev.type, dtype=cast,
                            enabled=self.dtype != 'fp32'):
            z = self._logits(mixed)
            loss = lam * ce(z, y) + (1 - lam) * ce(z, y[perm])
            if self.passes == 2:
                loss = loss + ce(self._logits(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return dict(loss=loss.detach())


def build_variant(variant: str, args):
    """``(model, optim_wrapper)`` of one variant on the target device
    (for (p1)/(p2): ``(BareStep, torch optimizer)``)."""
    import sumix_ext  # noqa: F401  (registers our modules)
    from mmengine.optim import OptimWrapper
    from mmengine.registry import OPTIM_WRAPPERS
    from mmpretrain.registry import MODELS

    torch.manual_seed(0)
    if variant in ('p1', 'p2'):
        backbone, feat = backbone_cfg(args)
        model = BareStep(
            backbone, args.num_classes, feat, passes=int(variant[1]),
            dtype=args.dtype).to(args.device).train()
        return model, torch.optim.SGD(model.parameters(), lr=0.1,
                                      momentum=0.9, weight_decay=5e-4)
    model = MODELS.build(model_cfg(variant, args)).to(args.device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                weight_decay=5e-4)
    if args.dtype == 'fp32':
        wrapper = OptimWrapper(optimizer)
    elif args.device == 'cpu':
        wrapper = OPTIM_WRAPPERS.build(
            dict(type='CPUBf16OptimWrapper', optimizer=optimizer))
    else:
        wrapper = OPTIM_WRAPPERS.build(
            dict(type='AmpOptimWrapper', optimizer=optimizer,
                 dtype='bfloat16' if args.dtype == 'bf16' else 'float16',
                 loss_scale='dynamic'))
    return model, wrapper


def make_batch(args, seed: int) -> dict:
    """A fresh batch dict: uint8 CPU images and labelled ``DataSample``s
    (fresh each step: mmpretrain's CutMix writes soft labels into them)."""
    from mmpretrain.structures import DataSample
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randint(0, 256, (args.batch_size, 3, args.img_size,
                                    args.img_size), generator=g,
                           dtype=torch.uint8)
    labels = torch.randint(0, args.num_classes, (args.batch_size, ),
                           generator=g)
    return dict(inputs=inputs,
                data_samples=[DataSample().set_gt_label(int(y))
                              for y in labels])


def sync(device: str) -> None:
    if device == 'cuda':
        torch.cuda.synchronize()


#: clock of :func:`timed`: wall time, or this process's CPU time (on a
#: shared CPU machine the latter ignores time spent waiting for a core)
CLOCKS = {'wall': time.perf_counter, 'process': time.process_time}
_clock = CLOCKS['wall']


def timed(fn: Callable[[], object], device: str) -> float:
    """Seconds of one call on the chosen clock, synchronised on CUDA."""
    sync(device)
    start = _clock()
    fn()
    sync(device)
    return _clock() - start


# ------------------------------------------------------------------ steps
def bench_steps(args) -> Dict[str, List[float]]:
    """Round-robin step times (seconds) of every variant."""
    built = {v: build_variant(v, args) for v in args.variants}
    times = {v: [] for v in args.variants}
    for r in range(args.warmup + args.repeats):
        for v in args.variants:
            model, wrapper = built[v]
            data = make_batch(args, seed=r)
            t = timed(lambda: model.train_step(data, wrapper), args.device)
            if r >= args.warmup:
                times[v].append(t)
    return times


def _proc_status_kb(field: str) -> int:
    """``VmRSS``/``VmHWM`` of this process in kB (Linux ``/proc``)."""
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise OSError(f'{field} not in /proc/self/status')


def _reset_peak_rss() -> bool:
    """Reset ``VmHWM`` to the current RSS (Linux >= 4.0); False if not."""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def memory_child(args) -> dict:
    """Run in a fresh process: peak memory of ``--memory-steps`` steps.

    CPU: the peak resident set (``VmHWM``, reset to the current RSS right
    before the steps) minus the RSS before the steps. ``ru_maxrss`` is not
    used: Linux keeps it across ``exec``, so a child inherits its parent's.
    """
    variant = args.memory_child
    model, wrapper = build_variant(variant, args)
    batches = [make_batch(args, seed=i) for i in range(args.memory_steps)]
    if args.device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = _proc_status_kb('VmRSS')
        reset = _reset_peak_rss()
    for data in batches:
        model.train_step(data, wrapper)
    sync(args.device)
    if args.device == 'cuda':
        peak = torch.cuda.max_memory_allocated()
        return dict(peak_mb=peak / 2**20, model_state_mb=base / 2**20,
                    method='torch.cuda.max_memory_allocated()')
    peak = _proc_status_kb('VmHWM')
    return dict(
        peak_mb=(peak - base) / 1024, process_peak_mb=peak / 1024,
        method='CPU: peak RSS (VmHWM) during the steps minus RSS before '
        'them, in a fresh process per variant' +
        ('' if reset else ' (VmHWM not resettable here: includes the '
         'build peak)'))


def bench_memory(args, argv: List[str], module: str) -> Dict[str, dict]:
    """Peak memory of each variant, each in its own fresh subprocess
    (``python -m module argv --memory-child VARIANT``)."""
    import os
    import os.path as osp
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get('PYTHONPATH')) if p))
    out = {}
    for v in args.variants:
        proc = subprocess.run(
            [sys.executable, '-m', module] + argv +
            ['--memory-child', v], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f'memory run of variant ({v}) failed:\n'
                               f'{proc.stderr[-2000:]}')
        out[v] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


# ------------------------------------------------------------- components
def bench_sumix_loss(args) -> float:
    """Median seconds of ``SUMixLoss`` forward + backward on (N, K) logits."""
    from sumix_ext.models.losses import SUMixLoss
    n, k, dev = args.batch_size, args.num_classes, args.device
    g = torch.Generator().manual_seed(0)
    leaves = [torch.randn(n, k, generator=g).to(dev).requires_grad_()
              for _ in range(4)]
    target = torch.randint(0, k, (n, ), generator=g).to(dev)
    index = torch.randperm(n, generator=g).to(dev)
    loss_fn = SUMixLoss(gamma=0.5, lam_reduction='batch')

    def call():
        out = loss_fn(*leaves, target, 0.7, index)
        out['loss'].backward()

    for _ in range(3):
        call()
    return statistics.median(
        timed(call, dev) for _ in range(args.component_repeats))


def our_mixer_names() -> List[str]:
    """Our registered ``Batch*`` mixers (whatever is registered now)."""
    from sumix_ext.models.mixers import known_mixers
    return [m for m in known_mixers() if m.startswith('Batch')]


def bench_mixers(args) -> Dict[str, object]:
    """Median seconds of each mixer alone on a normalised float batch."""
    from sumix_ext.models.mixers import build_mixer

    from .mixers import median_ms
    g = torch.Generator().manual_seed(0)
    x = torch.randn(args.batch_size, 3, args.img_size, args.img_size,
                    generator=g).to(args.device)
    out = {}
    for name in our_mixer_names():
        try:
            mixer = build_mixer(dict(type=name))
        except Exception as exc:  # a mixer without usable defaults
            out[name] = f'not built with defaults: {exc}'.splitlines()[0]
            continue
        out[name] = 1e-3 * median_ms(lambda: mixer(x),
                                     args.component_repeats, 2,
                                     torch.device(args.device))
    return out


# ----------------------------------------------------------------- report
def machine_info(args) -> dict:
    info = dict(python=platform.python_version(), torch=torch.__version__,
                threads=torch.get_num_threads(), device=args.device)
    flags, model = set(), None
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                key, _, value = line.partition(':')
                if key.strip() == 'model name' and model is None:
                    model = value.strip()
                elif key.strip() == 'flags' and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    model = model or platform.processor() or 'unknown CPU'
    info['cpu'] = model
    info['cpu_count'] = os.cpu_count()
    info['cpu_bf16_flags'] = sorted(
        f for f in flags if f in ('avx2', 'avx512f', 'avx512_bf16',
                                  'amx_bf16', 'amx_tile'))
    if args.device == 'cuda':
        info['gpu'] = torch.cuda.get_device_name()
    info['loadavg_1m'] = os.getloadavg()[0]
    return info


def summarise(args, times, memory, loss_s, mixers) -> dict:
    medians = {v: statistics.median(ts) for v, ts in times.items()}
    ratios = {}
    for name, num, den, op, target in TARGETS:
        if num in medians and den in medians:
            value = medians[num] / medians[den]
            # same-round pairs: robust to load that drifts between rounds
            paired = statistics.median(
                tn / td for tn, td in zip(times[num], times[den]))
            ratios[name] = dict(value=value, paired_median=paired,
                                target=f'{op} {target:.3f}',
                                met=value <= target)
    references = {}
    for name, num, den in REFERENCES:
        if num in medians and den in medians:
            references[name] = dict(
                value=medians[num] / medians[den],
                paired_median=statistics.median(
                    tn / td for tn, td in zip(times[num], times[den])))
    components = {}
    if 'b' in medians:
        ref = medians['b']
        if loss_s is not None:
            pct = 100 * loss_s / ref
            components['SUMixLoss (fwd+bwd)'] = dict(
                ms=1e3 * loss_s, pct_of_b=pct,
                target=f'<= {LOSS_TARGET_PCT}%', met=pct <= LOSS_TARGET_PCT)
        for name, s in (mixers or {}).items():
            components[name] = dict(ms=1e3 * s, pct_of_b=100 * s / ref) \
                if isinstance(s, float) else dict(error=s)
    return dict(
        date=datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y-%m-%d %H:%M UTC'),
        machine=machine_info(args),
        settings=dict(device=args.device, dtype=args.dtype,
                      arch=getattr(args, 'arch', 'resnet18-cifar'),
                      batch_size=args.batch_size, img_size=args.img_size,
                      num_classes=args.num_classes, width=args.width,
                      repeats=args.repeats, warmup=args.warmup,
                      clock=getattr(args, 'clock', 'wall')),
        variants={
            v: dict(name=VARIANTS[v], median_ms=1e3 * medians[v],
                    times_ms=[1e3 * t for t in times[v]],
                    memory=(memory or {}).get(v))
            for v in times
        },
        ratios=ratios,
        references=references,
        components=components)


def markdown(res: dict) -> str:
    s, m = res['settings'], res['machine']
    arch = (f"ResNet-50, batch {s['batch_size']}, "
            if s.get('arch') == 'resnet50' else
            f"ResNet-18 CIFAR (width {s['width']}), batch {s['batch_size']}, ")
    lines = [
        arch +
        f"3x{s['img_size']}x{s['img_size']}, {s['num_classes']} classes, "
        f"{s['dtype']} on {s['device']}; median of {s['repeats']} "
        f"round-robin steps after {s['warmup']} warm-up "
        f"({s.get('clock', 'wall')} clock); {m['cpu']}, "
        f"{m['cpu_count']} cores, torch {m['torch']} with {m['threads']} "
        f"thread(s){', ' + m['gpu'] if 'gpu' in m else ''}; "
        f"{res['date']}.",
        '',
        '| variant | median step (ms) | time vs (b) | peak memory (MB) |',
        '|---|---|---|---|',
    ]
    ref = res['variants'].get('b', {}).get('median_ms')
    for v, r in res['variants'].items():
        mem = r['memory']['peak_mb'] if r.get('memory') else None
        lines.append(
            f"| ({v}) {r['name']} | {r['median_ms']:.1f} | "
            f"{r['median_ms'] / ref:.3f} | " if ref else
            f"| ({v}) {r['name']} | {r['median_ms']:.1f} | n/a | ")
        lines[-1] += 'n/a |' if mem is None else f'{mem:.0f} |'
    lines += ['', '| ratio (time) | ratio of medians | median of per-round '
              'ratios | target | met |', '|---|---|---|---|---|']
    for name, r in res['ratios'].items():
        lines.append(f"| {name} | {r['value']:.3f} | "
                     f"{r['paired_median']:.3f} | {r['target']} | "
                     f"{'yes' if r['met'] else 'NO'} |")
    for name, r in res.get('references', {}).items():
        lines.append(f"| {name} (reference) | {r['value']:.3f} | "
                     f"{r['paired_median']:.3f} | - | - |")
    if res['components']:
        lines += ['', '| component alone | ms | % of (b) step | target |',
                  '|---|---|---|---|']
        for name, r in res['components'].items():
            if 'error' in r:
                lines.append(f"| {name} | n/a | n/a | {r['error']} |")
                continue
            target = r.get('target', '')
            if target:
                target += ' (met)' if r['met'] else ' (NOT met)'
            lines.append(f"| {name} | {r['ms']:.2f} | {r['pct_of_b']:.2f} | "
                         f'{target} |')
    mem = next((r['memory'] for r in res['variants'].values()
                if r.get('memory')), None)
    if mem:
        lines += ['', f"Peak memory: {mem['method']}."]
    return '\n'.join(lines)


def set_clock(name: str) -> None:
    """Select the timer: ``'wall'`` (default) or ``'process'``."""
    global _clock
    _clock = CLOCKS[name]
