"""Benchmark harnesses behind ``tools/analysis_tools/benchmark_*.py``."""
