"""One clock for every benchmark: synchronised timing (CUDA-aware), the
choice of wall or process time, and the machine description."""
import os
import platform
import time
from typing import Callable

import torch


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


def set_clock(name: str) -> None:
    """Select the timer: ``'wall'`` (default) or ``'process'``."""
    global _clock
    _clock = CLOCKS[name]


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
