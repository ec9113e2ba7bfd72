"""Registered datasets (mmpretrain's own are used wherever they exist)."""
from .fashion_mnist import LocalFashionMNIST, read_idx

__all__ = ['LocalFashionMNIST', 'read_idx']
