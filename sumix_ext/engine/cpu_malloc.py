"""Keep freed CPU memory in the process (glibc ``mallopt``).

A CPU training step allocates its activations and gradients (hundreds of
MB for ResNet-18 at batch 100) and frees them at the end of the step. With
glibc's defaults, big blocks come from ``mmap`` and go back with
``munmap``, and the top of the heap is trimmed back to the OS, so the next
step page-faults the same memory in again (the kernel zeroes every 4 KiB
page): kernel time and cache traffic proportional to the step's footprint,
paid every step. Whether that costs measurable step time depends on the
machine: on the 2-core VM of ``docs/benchmarks.md`` it gave no clean
speed-up, so this stays off by default.

:func:`keep_freed_memory` sets three ``mallopt`` parameters so freed blocks
stay in the heap for the next step: the same effect as the environment
variable ``GLIBC_TUNABLES=glibc.malloc.mmap_threshold=...:
glibc.malloc.trim_threshold=...:glibc.malloc.top_pad=...``, but applicable
after start-up. The process's resident memory then stays at its peak
instead of going down between steps. It touches the CPU allocator only
(CUDA memory has PyTorch's caching allocator) and is a no-op off glibc.

Selected in a config with ``env_cfg = dict(cpu_malloc_keep_freed=True)``
(:class:`~sumix_ext.engine.runner.SUMixRunner` applies it in
``setup_env``); measured in ``docs/benchmarks.md``.
"""
import ctypes
import ctypes.util
from typing import Optional

#: ``mallopt`` parameter numbers from glibc's ``malloc.h``
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3

#: mmap thresholds tried in turn: 1 GiB, then 32 MiB (HEAP_MAX_SIZE / 2,
#: the cap some glibc versions enforce on 64-bit)
MMAP_THRESHOLDS = (2**30, 32 * 2**20)

_applied: Optional[dict] = None


def _libc():
    """glibc as a ``ctypes`` library, or ``None`` off glibc."""
    name = ctypes.util.find_library('c')
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # only glibc has it (musl, macOS: no)
    except (OSError, AttributeError):
        return None
    return libc


def keep_freed_memory(top_pad_mb: int = 256) -> bool:
    """Make glibc keep freed memory for reuse instead of returning it.

    Sets ``M_MMAP_THRESHOLD`` to 1 GiB, or 32 MiB where glibc caps it
    (smaller blocks come from the heap, not from ``mmap``; setting it also
    stops glibc's dynamic adjustment), ``M_TRIM_THRESHOLD`` to the largest
    ``int`` (never trim the heap top) and ``M_TOP_PAD`` to ``top_pad_mb``
    (grow the heap in large steps).

    Args:
        top_pad_mb (int): Extra MiB requested each time the heap grows.
            Must be >= 0.

    Returns:
        bool: True if every parameter was set (glibc), False where this is
        not glibc or ``mallopt`` refused a value.
    """
    global _applied
    if top_pad_mb < 0:
        raise ValueError(f'top_pad_mb must be >= 0, got {top_pad_mb}')
    libc = _libc()
    if libc is None:
        return False
    mmap = next((t for t in MMAP_THRESHOLDS
                 if libc.mallopt(M_MMAP_THRESHOLD, t) == 1), None)
    if mmap is None:
        return False
    trim, pad = 2**31 - 1, top_pad_mb * 2**20
    if not (libc.mallopt(M_TRIM_THRESHOLD, trim) == 1
            and libc.mallopt(M_TOP_PAD, pad) == 1):
        return False
    _applied = dict(mmap_threshold=mmap, trim_threshold=trim, top_pad=pad)
    return True


def applied() -> Optional[dict]:
    """The settings :func:`keep_freed_memory` applied in this process, or
    ``None``."""
    return _applied
