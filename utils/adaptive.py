"""Adaptive pooling: a fixed output size for any input size, from tensor operations, matching torch.

Output cell ``i`` of ``out`` along a dimension of length ``size`` pools the input bin

    start_i = floor(i * size / out),   end_i = ceil((i + 1) * size / out)   (end exclusive).

Neighbouring bins overlap whenever ``out`` does not divide ``size``, and bins can differ in length
(size 5, out 3: [0, 2), [1, 4), [3, 5)). Equal lengths are not enough for an ordinary pooling either
(size 10, out 4: every bin has length 3, but they start at 0, 2, 5, 7). Writing size = q * out + r,
the bins are exactly the windows of an ordinary pooling (no padding) with kernel ceil(size / out) and
stride floor(size / out) when size >= out and r is 0 or 1, and of no kernel and stride otherwise:
r = 0 gives tiles (``out`` divides ``size``), r = 1 windows that overlap by one cell (size 5, out 4 is
kernel 2, stride 1). Lesson 02, section 10.2, derives this and checks it against torch.
"""

from __future__ import annotations

import torch

from ._checks import check_feature_map, check_flag, check_int
from .pooling import select_max

OutputSize = int | None | tuple[int | None, int | None]

# The most bins along one dimension (in and out): a million per side is far beyond any feature map,
# and refusing more at once beats building a list of 2**40 bins.
MAX_BINS = 2**20


def adaptive_bins(size: int, out: int) -> list[tuple[int, int]]:
    """``[(start, end), ...]``: the input range each of the ``out`` outputs pools (end exclusive)."""
    check_int(size, "size", 1, MAX_BINS)
    check_int(out, "out", 1, MAX_BINS)
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]


def _output_hw(x: torch.Tensor, output_size: OutputSize) -> tuple[int, int]:
    check_feature_map(x)
    sizes = output_size if isinstance(output_size, tuple | list) else (output_size, output_size)
    if len(sizes) != 2:
        raise ValueError(f"output_size must be an int, None or a pair, got {output_size!r}")
    hw = tuple(x.shape[-2 + i] if s is None else s for i, s in enumerate(sizes))
    if any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in hw):
        raise ValueError(f"output_size must hold positive ints (or None to keep a dimension), got {output_size!r}")
    if max(hw) > MAX_BINS or max(x.shape[-2:]) > MAX_BINS:
        raise ValueError(f"output_size and the input's height and width must be at most {MAX_BINS}, "
                         f"got output_size={output_size!r} for an input of shape {tuple(x.shape)}")
    return hw


def _average_bins(x: torch.Tensor, dim: int, out: int) -> torch.Tensor:
    """Average each adaptive bin of ``x`` along ``dim``: the bins' cells are gathered (padded to the
    longest bin), the padding cells zeroed, then summed and divided by each bin's length. Zeroing
    with a mask, not multiplying by a 0/1 weight, keeps a NaN or inf inside its own bins."""
    cells, valid = _bin_cells(x.shape[dim], out, x.device)
    moved = x.movedim(dim, -1)
    windows = moved[..., cells].masked_fill(~valid, 0)  # (..., out, L)
    return (windows.sum(dim=-1) / valid.sum(dim=-1)).movedim(-1, dim)


def adaptive_avg_pool2d(x: torch.Tensor, output_size: OutputSize) -> torch.Tensor:
    """Adaptive average pooling, the counterpart of ``torch.nn.functional.adaptive_avg_pool2d``.

    ``y[..., i, j] = mean of x[..., start_i:end_i, start_j:end_j]``. Averaging over a rectangle is
    separable: average the row bins, then the column bins (in float32 for half-precision input, whose
    sums would lose digits). ``output_size=1`` is global average pooling: one value per channel,
    ``x.mean((-2, -1))``.
    """
    out_h, out_w = _output_hw(x, output_size)
    low_precision = x.dtype in (torch.float16, torch.bfloat16)
    y = _average_bins(x.float() if low_precision else x, -2, out_h)
    return _average_bins(y, -1, out_w).to(x.dtype)


def _bin_cells(size: int, out: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(out, L) input positions of every bin, padded to the longest bin L, and which are real."""
    bins = adaptive_bins(size, out)
    longest = max(end - start for start, end in bins)
    offsets = torch.arange(longest, device=device)
    starts = torch.tensor([start for start, _ in bins], device=device)
    lengths = torch.tensor([end - start for start, end in bins], device=device)
    valid = offsets[None, :] < lengths[:, None]
    return (starts[:, None] + offsets[None, :]).clamp(max=size - 1), valid


def adaptive_max_pool2d(x: torch.Tensor, output_size: OutputSize, return_indices: bool = False):
    """Adaptive max pooling, the counterpart of ``torch.nn.functional.adaptive_max_pool2d``.

    ``y[..., i, j] = max of x[..., start_i:end_i, start_j:end_j]``; indices (if requested) are flat
    offsets ``h * W + w`` in the input plane, ties going to the first maximum in row-major order.
    """
    out_h, out_w = _output_hw(x, output_size)
    check_flag(return_indices, "return_indices")
    height, width = x.shape[-2:]
    rows, row_valid = _bin_cells(height, out_h, x.device)
    cols, col_valid = _bin_cells(width, out_w, x.device)
    # Windows (..., out_h, out_w, Lh * Lw) gathered by advanced indexing; padding cells are masked.
    windows = x[..., rows[:, None, :, None], cols[None, :, None, :]]
    windows = windows.flatten(-2)
    valid = (row_valid[:, None, :, None] & col_valid[None, :, None, :]).reshape(out_h, out_w, -1)
    windows = windows.masked_fill(~valid, -float("inf"))
    local = select_max(windows, valid)
    y = windows.gather(-1, local).squeeze(-1)
    if not return_indices:
        return y
    flat = (rows[:, None, :, None] * width + cols[None, :, None, :]).reshape(out_h, out_w, -1)
    indices = flat.expand(*windows.shape).gather(-1, local).squeeze(-1)
    return y, indices
