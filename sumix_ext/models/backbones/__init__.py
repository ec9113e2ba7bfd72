"""Backbones missing from mmpretrain (added as the benchmarks need them)."""
__all__ = []
