"""Max, average and Lp pooling written from tensor operations, matching torch.

Average pooling (and the variants built on it) pads the input, cuts it into windows with
``Tensor.unfold`` (a view, no copy) and reduces each window. Max pooling is written for speed: a
running ``torch.maximum`` over strided slices, one axis at a time, which moves far less memory than
materialising windows. Gradients flow through these operations, so autograd gives the same
backward pass as torch's pooling kernels.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ._checks import IntPair, check_feature_map, check_flag, geometry
from .shapes import pool_output_shape


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


def _real_taps(length: int, out_len: int, kernel: int, stride: int, padding: int, dilation: int) -> range:
    """The window cells (taps) that some output reads inside the input: tap t reads cell
    ``j*stride - padding + t*dilation`` of output j < out_len. A kernel far larger than the input
    (which the padding rule allows) has only a few such taps, so loops over them stay short."""
    first = max(0, -(-(padding - (out_len - 1) * stride) // dilation))
    last = min(kernel - 1, (padding + length - 1) // dilation)
    return range(first, last + 1)


def _taps(tap: int, length: int, out_len: int, stride: int, padding: int, dilation: int) -> tuple[int, int, slice]:
    """Outputs ``[lo, hi)`` whose window cell number ``tap`` lies inside an axis of ``length`` cells, and
    the slice of input cells they read (output j reads cell ``j*stride - padding + tap*dilation``)."""
    offset = tap * dilation - padding
    lo = max(0, -(offset // stride))  # ceil(-offset / stride), the first output that reads a real cell
    hi = min(out_len, (length - 1 - offset) // stride + 1)
    first = lo * stride + offset
    return lo, hi, slice(first, first + (hi - lo - 1) * stride + 1, stride)


def _axis_max(x: torch.Tensor, dim: int, out_len: int, kernel: int, stride: int, padding: int, dilation: int,
              fill: float | int) -> torch.Tensor:
    """Max pooling along one axis: a running ``torch.maximum`` over the ``kernel`` strided slices.

    Padding is never materialised: each slice covers only the outputs whose cell is real, and outputs
    that no real cell reaches keep ``fill``.
    """
    shape = list(x.shape)
    shape[dim] = out_len
    out = None
    for tap in _real_taps(x.shape[dim], out_len, kernel, stride, padding, dilation):
        lo, hi, read = _taps(tap, x.shape[dim], out_len, stride, padding, dilation)
        if lo >= hi:
            continue
        cells = x[(slice(None),) * (dim % x.dim()) + (read,)]
        if out is None:  # the first tap: its cells, with `fill` where it reads only padding
            widths = [0, 0] * (-dim - 1) + [lo, out_len - hi]
            whole = lo == 0 and hi == out_len
            out = cells.clone(memory_format=torch.contiguous_format) if whole else F.pad(cells, widths, value=fill)
            continue
        out.narrow(dim, lo, hi - lo).clamp_(min=cells)  # an in-place maximum that propagates NaN, as torch.maximum
    return x.new_full(shape, fill) if out is None else out


def _argmax_in_windows(x: torch.Tensor, y: torch.Tensor, kernel: tuple[int, int], strides: tuple[int, int],
                       pads: tuple[int, int], dils: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Flat plane offsets of the cells torch's max pooling picks: the first that equals the window's
    maximum ``y`` in row-major order, or the last NaN of a window that has one. Also a mask of the
    windows that reach a real cell (None when all do)."""
    height, width = x.shape[-2:]
    out_h, out_w = y.shape[-2:]
    rows_taps = {a: _taps(a, height, out_h, strides[0], pads[0], dils[0])
                 for a in _real_taps(height, out_h, kernel[0], strides[0], pads[0], dils[0])}
    cols_taps = {b: _taps(b, width, out_w, strides[1], pads[1], dils[1])
                 for b in _real_taps(width, out_w, kernel[1], strides[1], pads[1], dils[1])}
    taps = [(a, b, rows, cols) for a, rows in rows_taps.items() for b, cols in cols_taps.items()
            if rows[0] < rows[1] and cols[0] < cols[1]]
    local = torch.zeros_like(y, dtype=torch.uint8 if len(taps) <= 256 else torch.int32)  # batched under vmap, as y

    def mark(number: int, rows: tuple[int, int, slice], cols: tuple[int, int, slice], condition) -> None:
        block = (..., slice(rows[0], rows[1]), slice(cols[0], cols[1]))
        local[block].masked_fill_(condition(x[..., rows[2], cols[2]], y[block]), number)

    # Visiting the taps backwards and overwriting leaves the first hit in row-major order; NaNs, which
    # equal nothing, are then marked forwards, so the last NaN of a window wins, as in torch.
    for number in reversed(range(len(taps))):
        mark(number, *taps[number][2:], torch.eq)
    if y.is_floating_point():
        for number, (_, _, rows, cols) in enumerate(taps):
            mark(number, rows, cols, lambda cells, _: cells.isnan())

    rows = torch.arange(out_h, device=y.device) * strides[0] - pads[0]
    cols = torch.arange(out_w, device=y.device) * strides[1] - pads[1]
    tap_offsets = torch.tensor([a * dils[0] * width + b * dils[1] for a, b, _, _ in taps] or [0],
                               dtype=torch.long, device=y.device)
    indices = rows[:, None] * width + cols[None, :] + tap_offsets[local.long()]

    def reached(axis_taps: dict, length: int) -> list[bool]:
        hit = [False] * length
        for lo, hi, _ in axis_taps.values():
            hit[lo:hi] = [True] * (hi - lo)
        return hit

    row_hit, col_hit = reached(rows_taps, out_h), reached(cols_taps, out_w)
    if all(row_hit) and all(col_hit):
        return indices, None
    # With dilation a window can fall wholly in the padding; torch then reports the offset of the
    # window's first cell at or after row/column 0 (which may lie outside the plane). Do the same.
    found = (torch.tensor(row_hit, device=y.device)[:, None] & torch.tensor(col_hit, device=y.device)[None, :])
    first = [s + (-s).clamp(min=0).add(d - 1).div(d, rounding_mode="floor") * d
             for s, d in ((rows, dils[0]), (cols, dils[1]))]
    return torch.where(found, indices, first[0][:, None] * width + first[1][None, :]), found


def max_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
               dilation: IntPair = 1, ceil_mode: bool = False, return_indices: bool = False):
    """2-D max pooling, the counterpart of ``torch.nn.functional.max_pool2d``.

    ``y[n, c, i, j] = max_{a < kH, b < kW} x[n, c, i*sH - pH + a*dH, j*sW - pW + b*dW]``,
    where positions outside the input count as ``-inf`` (so padding never wins).

    Inputs:
    - x: (N, C, H, W) or (C, H, W), floating point or integer.
    - kernel_size, stride (default: kernel_size), padding, dilation: int or (height, width) pair.
    - ceil_mode: keep a last, partial window if it starts inside the input or the left padding.
    - return_indices: also return, for each output, the flat offset ``h * W + w`` of the maximum
      inside its (H, W) plane. Ties go to the first maximum in row-major order; a NaN wins (the last one), as in torch.

    Returns ``y`` of shape (..., H_out, W_out), and ``indices`` (int64, same shape) if requested.

    How: a 2-D window's maximum is the maximum over its columns of the maximum over its rows, so the
    values come from two 1-D passes, each a running ``torch.maximum`` over strided slices (kW + kH
    passes over memory, no padded copy, no window tensor). When indices or gradients are needed, a
    second sweep finds the cell in each window that holds the maximum, and ``y`` is gathered from
    there, so the gradient goes to that one cell, as in torch.
    """
    kernel, strides, pads, dils, out_hw = _prepare(x, kernel_size, stride, padding, dilation, ceil_mode, integer=True)
    check_flag(return_indices, "return_indices")
    if x.is_meta:  # shapes only: there are no values to compare
        y = x.new_empty(*x.shape[:-2], *out_hw)
        return (y, y.long()) if return_indices else y
    fill = -float("inf") if x.is_floating_point() else torch.iinfo(x.dtype).min

    with torch.no_grad():
        # Rows first: those slices are contiguous along W, and they halve the data the strided W pass reads.
        y = _axis_max(x, -2, out_hw[0], kernel[0], strides[0], pads[0], dils[0], fill)
        y = _axis_max(y, -1, out_hw[1], kernel[1], strides[1], pads[1], dils[1], fill)
    needs_grad = torch.is_grad_enabled() and x.requires_grad
    if not (return_indices or needs_grad):
        return y
    indices, found = _argmax_in_windows(x.detach(), y, kernel, strides, pads, dils)
    if needs_grad:
        # Gather y from the picked cells so that the gradient flows to them; a window wholly in the
        # padding keeps its -inf and sends no gradient, whatever offset it reports.
        picked = indices if found is None else indices.where(found, 0)
        gathered = x.flatten(-2).gather(-1, picked.flatten(-2)).view(y.shape)
        y = gathered if found is None else torch.where(found, gathered, y)
    return (y, indices) if return_indices else y


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
