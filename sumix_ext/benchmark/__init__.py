"""Benchmark harnesses behind ``tools/analysis_tools/benchmark_*.py``:
``step.py`` (training-step cost of the variants, memory, machine info, the
synchronised clock ``timed``) and ``mixers.py`` (each mixer as a share of a
plain ResNet-18 step, on the same clock)."""
