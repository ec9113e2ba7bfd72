"""Peak memory of a training step, each variant in a fresh subprocess."""
import json
import subprocess
import sys
from typing import Dict, List

import torch

from .clock import sync
from .variants import build_variant, make_batch


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
