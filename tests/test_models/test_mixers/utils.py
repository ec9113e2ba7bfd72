"""Helpers for the mixer tests: batches whose pixels tell their source."""
import torch


def labelled_batch(n, c=3, size=32, dtype=torch.float32):
    """Sample i is the constant image i+1, so every pixel tells its source."""
    values = torch.arange(1, n + 1, dtype=torch.float32)
    return values.view(n, 1, 1, 1).expand(n, c, size, size).to(dtype)


def measured_share(x, mixed, index):
    """Per-sample share of x_a in ``mixed``: mean of (m - x_b) / (x_a - x_b).

    Exact for hard and soft masks alike, as long as ``index`` has no fixed
    point (x_a != x_b everywhere).
    """
    a = x.double()
    b = x[index].double()
    return ((mixed.double() - b) / (a - b)).mean(dim=(1, 2, 3))


def lam_vector(lam, n):
    return torch.as_tensor(lam, dtype=torch.float64).expand(n)
