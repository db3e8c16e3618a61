"""Anti-aliased downsampling (Zhang 2019): blur with a binomial filter before subsampling.

Max pooling with stride s is a dense max (stride 1) followed by subsampling, and subsampling aliases:
high frequencies fold into low ones, so a one-pixel shift of the input can change the output a lot.
MaxBlurPool keeps the dense max, then low-pass filters, then subsamples.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ._checks import IntPair, check_feature_map, check_int, pair
from .fast import fast_max_pool2d

# A 1024 x 1024 filter is already far wider than any image of the course; larger ones only cost time.
MAX_FILTER = 1024


def binomial_filter(size: int = 3, dtype: torch.dtype = torch.float32,
                    device: torch.device | str | None = None) -> torch.Tensor:
    """The (size, size) binomial low-pass filter, normalised to sum 1.

    The outer product of the binomial coefficients ``C(size - 1, i)``: [1], [1, 1], [1, 2, 1],
    [1, 3, 3, 1], [1, 4, 6, 4, 1], ... (a box filter for size 2, close to a Gaussian as size grows).
    """
    row = _binomial_row(check_int(size, "size", 1, MAX_FILTER))
    return torch.outer(row, row).to(dtype=dtype, device=device)


def _binomial_row(size: int) -> torch.Tensor:
    """``C(size - 1, i) / 2^(size - 1)`` in float64, from log-gamma: the coefficients themselves
    overflow float32 from size 69 on, and a float64 division of exact integers from about 1030."""
    n = torch.tensor(float(size - 1), dtype=torch.float64)
    i = torch.arange(size, dtype=torch.float64)
    log_row = torch.lgamma(n + 1) - torch.lgamma(i + 1) - torch.lgamma(n - i + 1) - n * math.log(2.0)
    row = log_row.exp()
    return row / row.sum()


def blur_pool2d(x: torch.Tensor, filter_size: int = 3, stride: int = 2) -> torch.Tensor:
    """Blur each channel with :func:`binomial_filter`, then keep every ``stride``-th row and column.

    ``y = (x * B)[..., ::stride, ::stride]`` with reflect padding of ``(filter_size - 1) // 2`` cells
    before and ``filter_size // 2`` after, as in Zhang's ``BlurPool``; the output is
    ``ceil(H / stride) x ceil(W / stride)``. A depthwise ``F.conv2d``; no parameters.
    """
    check_feature_map(x)
    check_int(filter_size, "filter_size", 1, MAX_FILTER)
    check_int(stride, "stride")
    kernel = binomial_filter(filter_size, x.dtype, x.device)
    before, after = (filter_size - 1) // 2, filter_size // 2
    if after >= min(x.shape[-2:]):
        raise ValueError(f"filter_size={filter_size} needs reflect padding of {after}, which must be smaller "
                         f"than the input's height and width {tuple(x.shape[-2:])}")
    batched = x if x.dim() == 4 else x.unsqueeze(0)
    channels = batched.shape[1]
    padded = F.pad(batched, (before, after, before, after), mode="reflect")
    y = F.conv2d(padded, kernel.expand(channels, 1, filter_size, filter_size), stride=stride, groups=channels)
    return y if x.dim() == 4 else y.squeeze(0)


def max_blur_pool2d(x: torch.Tensor, kernel_size: IntPair = 2, stride: int = 2, filter_size: int = 3) -> torch.Tensor:
    """Anti-aliased max pooling (MaxBlurPool): a max with stride 1, then :func:`blur_pool2d`.

    ``y = blur_pool2d(max_pool2d(x, kernel_size, stride=1), filter_size, stride)``, with the dense max
    from :func:`utils.fast_max_pool2d` (the same values, at a speed fit for training). With
    ``filter_size=1`` (no blur) it is plain ``max_pool2d(x, kernel_size, stride)`` whenever that
    pools every window; for 2x2 windows on an even size both give ``H / 2``.
    """
    return blur_pool2d(fast_max_pool2d(x, kernel_size, stride=1), filter_size, stride)


class BlurPool2d(nn.Module):
    """:func:`blur_pool2d` as a layer (no learnable parameters)."""

    def __init__(self, filter_size: int = 3, stride: int = 2):
        super().__init__()
        self.filter_size = check_int(filter_size, "filter_size", 1, MAX_FILTER)
        self.stride = check_int(stride, "stride")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return blur_pool2d(x, self.filter_size, self.stride)

    def extra_repr(self) -> str:
        return f"filter_size={self.filter_size}, stride={self.stride}"


class MaxBlurPool2d(nn.Module):
    """:func:`max_blur_pool2d` as a layer, a drop-in for ``nn.MaxPool2d(kernel_size, stride)``."""

    def __init__(self, kernel_size: IntPair = 2, stride: int = 2, filter_size: int = 3):
        super().__init__()
        pair(kernel_size, "kernel_size", 1)
        self.kernel_size = kernel_size
        self.stride = check_int(stride, "stride")
        self.filter_size = check_int(filter_size, "filter_size", 1, MAX_FILTER)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return max_blur_pool2d(x, self.kernel_size, self.stride, self.filter_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, filter_size={self.filter_size}"
