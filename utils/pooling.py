"""Max, average and Lp pooling written from tensor operations, matching torch: the reference versions.

Each pads the input, cuts it into windows with ``Tensor.unfold`` and reduces each window. Gradients
flow through these operations, so autograd gives the same backward pass as torch's pooling kernels.
The code is written to be read; ``utils/fast.py`` holds a max pooling with the same results that
does not materialise the windows.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ._checks import IntPair, check_feature_map, check_flag, geometry
from .shapes import pool_output_shape

# The reference max pooling holds every window cell in memory at once; beyond this many (2 GiB of
# float32) it refuses rather than exhausting the machine. utils.fast_max_pool2d has no such limit.
MAX_WINDOW_CELLS = 2**29


def _windows(x: torch.Tensor, out_hw: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
             padding: tuple[int, int], dilation: tuple[int, int], fill: float | int) -> torch.Tensor:
    """Windows of ``x`` (..., H, W) as a tensor (..., H_out, W_out, kH*kW), padded with ``fill``.

    The left/top padding is ``padding``; the right/bottom padding is whatever the last window needs,
    which ceil_mode can make larger than ``padding`` (those cells are never read as real values).
    """
    spans = [dilation[i] * (kernel[i] - 1) + 1 for i in range(2)]
    needed = [(out_hw[i] - 1) * stride[i] + spans[i] for i in range(2)]
    size = x.shape[-2:]
    extra = [max(needed[i] - size[i] - padding[i], 0) for i in range(2)]
    x = F.pad(x, (padding[1], extra[1], padding[0], extra[0]), value=fill)
    win = x.unfold(-2, spans[0], stride[0]).unfold(-2, spans[1], stride[1])  # (..., Ho', Wo', sH, sW)
    win = win[..., : out_hw[0], : out_hw[1], :: dilation[0], :: dilation[1]]
    return win.reshape(*win.shape[:-2], kernel[0] * kernel[1])


def select_max(windows: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Position (..., 1) inside each window (..., K) of the value torch's max pooling picks.

    Among the ``valid`` cells, the first one that holds the maximum; torch's kernels replace their
    running maximum with every NaN they meet, so a window with NaNs reports the last NaN.
    """
    values = windows.detach()
    hits = (values == values.amax(dim=-1, keepdim=True)) & valid
    nans = values.isnan()
    first_max = hits.to(torch.uint8).argmax(dim=-1, keepdim=True)
    last_nan = values.shape[-1] - 1 - nans.flip(-1).to(torch.uint8).argmax(dim=-1, keepdim=True)
    return torch.where(nans.any(dim=-1, keepdim=True), last_nan, first_max)


def _prepare(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None, padding: IntPair,
             dilation: IntPair, ceil_mode: bool, integer: bool = False):
    check_feature_map(x, integer=integer)
    kernel, strides, pads, dils = geometry(kernel_size, stride, padding, dilation)
    out_hw = pool_output_shape(tuple(x.shape[-2:]), kernel, strides, pads, dils, check_flag(ceil_mode, "ceil_mode"))
    return kernel, strides, pads, dils, out_hw


def max_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
               dilation: IntPair = 1, ceil_mode: bool = False, return_indices: bool = False):
    """2-D max pooling, the counterpart of ``torch.nn.functional.max_pool2d``; the reference version.

    ``y[n, c, i, j] = max_{a < kH, b < kW} x[n, c, i*sH - pH + a*dH, j*sW - pW + b*dW]``,
    where positions outside the input count as ``-inf`` (so padding never wins).

    Inputs:
    - x: (N, C, H, W) or (C, H, W), floating point or integer.
    - kernel_size, stride (default: kernel_size), padding, dilation: int or (height, width) pair.
    - ceil_mode: keep a last, partial window if it starts inside the input or the left padding.
    - return_indices: also return, for each output, the flat offset ``h * W + w`` of the maximum
      inside its (H, W) plane. Ties go to the first maximum in row-major order; a NaN wins (the last
      one), as in torch.

    Returns ``y`` of shape (..., H_out, W_out), and ``indices`` (int64, same shape) if requested.

    How: pad with -inf, cut every window out with ``Tensor.unfold`` (a (..., H_out, W_out, kH*kW)
    tensor), pick the position of the maximum in each window, and gather the value from there, so
    autograd sends each output's gradient to that one input cell. ``utils.fast_max_pool2d`` computes
    the same without materialising the windows.
    """
    kernel, strides, pads, dils, out_hw = _prepare(x, kernel_size, stride, padding, dilation, ceil_mode, integer=True)
    check_flag(return_indices, "return_indices")
    cells = x.shape[:-2].numel() * out_hw[0] * out_hw[1] * kernel[0] * kernel[1]
    if cells > MAX_WINDOW_CELLS:
        raise ValueError(f"kernel_size={kernel_size} gives {cells:,} window cells for this input, more than the "
                         f"{MAX_WINDOW_CELLS:,} this reference implementation materialises; use utils.fast_max_pool2d")
    fill = -float("inf") if x.is_floating_point() else torch.iinfo(x.dtype).min
    windows = _windows(x, out_hw, kernel, strides, pads, dils, fill)  # (..., H_out, W_out, K)
    offsets, valid = _window_offsets(tuple(x.shape[-2:]), out_hw, kernel, strides, pads, dils, x.device)
    local = select_max(windows, valid)
    y = windows.gather(-1, local).squeeze(-1)
    if not return_indices:
        return y
    return y, offsets.expand(*windows.shape).gather(-1, local).squeeze(-1)


def first_real_cell(start: torch.Tensor, dilation: int) -> torch.Tensor:
    """For windows starting at ``start`` (possibly negative), the first cell at or after 0:
    ``start + ceil(-start / dilation) * dilation`` where start < 0. Torch reports its offset as the
    index of a window that lies wholly in the padding."""
    return start + (-start).clamp(min=0).add(dilation - 1).div(dilation, rounding_mode="floor") * dilation


def _window_offsets(size: tuple[int, int], out_hw: tuple[int, int], kernel: tuple[int, int],
                    strides: tuple[int, int], pads: tuple[int, int], dils: tuple[int, int],
                    device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Flat offsets ``h * W + w`` of every window cell, (H_out, W_out, kH*kW), and which lie in the plane.

    A window that lies wholly in the padding (dilation allows it) reports, like torch, the offset of
    its first cell at or after row and column 0, which may lie outside the plane.
    """
    axes = []
    for dim in range(2):
        start = torch.arange(out_hw[dim], device=device) * strides[dim] - pads[dim]
        cell = start[:, None] + torch.arange(kernel[dim], device=device) * dils[dim]  # (out, k)
        first = first_real_cell(start, dils[dim])
        axes.append((cell, (cell >= 0) & (cell < size[dim]), first))
    (rows, row_ok, first_row), (cols, col_ok, first_col) = axes
    offsets = (rows[:, None, :, None] * size[1] + cols[None, :, None, :]).flatten(-2)
    valid = (row_ok[:, None, :, None] & col_ok[None, :, None, :]).flatten(-2)
    fallback = (first_row[:, None] * size[1] + first_col[None, :])[..., None]
    return torch.where(valid.any(-1, keepdim=True), offsets, fallback), valid


def avg_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
               ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None):
    """2-D average pooling, the counterpart of ``torch.nn.functional.avg_pool2d``.

    ``y[n, c, i, j] = (1 / D) * sum_{a, b} x[n, c, i*sH - pH + a, j*sW - pW + b]`` over the cells of
    the window that lie inside the input (padding is zero). The divisor ``D`` is
    - ``divisor_override`` when given;
    - otherwise the number of window cells inside the input *or its padding* (count_include_pad=True);
    - otherwise the number of window cells inside the input (count_include_pad=False).
    A ceil_mode window never counts the part that hangs beyond the padding.

    Inputs: x (N, C, H, W) or (C, H, W), floating point (torch truncates integer averages, so
    this function refuses them); kernel_size, stride (default: kernel_size), padding: int or pair.
    Returns y of shape (..., H_out, W_out).
    """
    kernel, strides, pads, _, out_hw = _prepare(x, kernel_size, stride, padding, 1, ceil_mode)
    check_flag(count_include_pad, "count_include_pad")
    if divisor_override is not None and (isinstance(divisor_override, bool) or not isinstance(divisor_override, int)):
        raise TypeError(f"divisor_override must be an int or None, got {divisor_override!r}")
    if divisor_override == 0:
        raise ValueError("divisor_override must be non-zero")

    # Half-precision sums overflow long before the average does (nine cells of 10000 exceed 65504),
    # so sum in float32 and round the average back, as torch's kernels do.
    low_precision = x.dtype in (torch.float16, torch.bfloat16)
    total = _windows(x.float() if low_precision else x, out_hw, kernel, strides, pads, (1, 1), fill=0).sum(dim=-1)
    if divisor_override is not None:
        return (total / divisor_override).to(x.dtype)
    # Count the cells each window may divide by: a map of ones over the input (and over the
    # padding when it counts), zero beyond, windowed like x.
    height, width = x.shape[-2:]
    counted = torch.ones(height, width, dtype=total.dtype, device=x.device)
    if count_include_pad:
        counted = F.pad(counted, (pads[1], pads[1], pads[0], pads[0]), value=1)
        divisor = _windows(counted, out_hw, kernel, strides, (0, 0), (1, 1), fill=0).sum(dim=-1)
    else:
        divisor = _windows(counted, out_hw, kernel, strides, pads, (1, 1), fill=0).sum(dim=-1)
    return (total / divisor).to(x.dtype)


def lp_pool2d(x: torch.Tensor, norm_type: float, kernel_size: IntPair, stride: IntPair | None = None,
              ceil_mode: bool = False) -> torch.Tensor:
    """2-D power-average (Lp) pooling, the counterpart of ``torch.nn.functional.lp_pool2d``.

    ``y = (sum over the window of x^p)^(1/p)``: a p-norm of the window for even p (a sum, not a
    mean: p=2 gives ``sqrt(kH*kW) * RMS``), the plain sum for p=1 (signed, not the L1 norm), and the
    maximum of ``|x|`` in the limit p -> inf. Odd or fractional p on negative inputs give NaN, as
    in torch. No padding. Like torch, the sum is computed as the window's average times
    ``kH*kW``, so with ceil_mode a partial window counts its real cells as if it were full.
    Zero windows get a zero gradient (torch's sign/relu trick), not NaN.
    """
    if not isinstance(norm_type, int | float) or isinstance(norm_type, bool) or not norm_type > 0:
        raise ValueError(f"norm_type must be a positive number (a Python int or float), got {norm_type!r}")
    kernel, strides, _, _, _ = _prepare(x, kernel_size, stride, 0, 1, ceil_mode)
    if math.isinf(norm_type):  # the limit p -> inf: the largest magnitude in each window
        return max_pool2d(x.abs(), kernel, strides, 0, 1, ceil_mode)
    mean = avg_pool2d(x.pow(norm_type), kernel, strides, 0, ceil_mode)
    return (torch.sign(mean) * F.relu(torch.abs(mean))).mul(kernel[0] * kernel[1]).pow(1.0 / norm_type)
