"""Fast versions of operators whose reference implementation is written for reading, not speed.

The reference ``utils.max_pool2d`` (``utils/pooling.py``) cuts every window out of the input, which
is easy to check line by line but moves ``kH*kW`` times the data. The versions here give the same
results (values, indices, ties, NaNs, gradients: the tests run over both) by other means, and say
what they trade for speed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._checks import IntPair, check_flag
from .pooling import _prepare


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


def fast_max_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
                    dilation: IntPair = 1, ceil_mode: bool = False, return_indices: bool = False):
    """2-D max pooling with the results of :func:`utils.max_pool2d`, at memory speed.

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

    What it trades for speed: a Python loop over the kernel's taps and the index bookkeeping of
    ``_taps`` in place of one ``unfold``; only taps that reach a real cell are visited, so a kernel
    far larger than the input (which torch's padding rule allows) costs no more than the input.
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


