"""Max and average pooling written from tensor operations (pad, unfold, gather), matching torch.

Both functions see the input through the same lens: pad it, cut it into windows with
``Tensor.unfold`` (a view, no copy), then reduce each window. Gradients flow through those
operations, so autograd gives the same backward pass as torch's pooling kernels.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._checks import IntPair, check_feature_map, pair
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
             dilation: IntPair, ceil_mode: bool):
    check_feature_map(x)
    kernel = pair(kernel_size, "kernel_size")
    strides = kernel if stride is None else pair(stride, "stride")
    pads = pair(padding, "padding")
    dils = pair(dilation, "dilation")
    out_hw = pool_output_shape(tuple(x.shape[-2:]), kernel, strides, pads, dils, ceil_mode)
    return kernel, strides, pads, dils, out_hw


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
    """
    kernel, strides, pads, dils, out_hw = _prepare(x, kernel_size, stride, padding, dilation, ceil_mode)
    if x.dtype == torch.bool:
        raise ValueError("x must be a floating-point or integer tensor; max pooling is not defined for bool")
    fill = -float("inf") if x.is_floating_point() else torch.iinfo(x.dtype).min

    # The flat index of every input cell, padded with -1, cut into windows exactly like x.
    height, width = x.shape[-2:]
    flat = torch.arange(height * width, device=x.device).reshape(height, width)
    index_windows = _windows(flat, out_hw, kernel, strides, pads, dils, fill=-1)
    value_windows = _windows(x, out_hw, kernel, strides, pads, dils, fill=fill)

    local = select_max(value_windows, index_windows >= 0)
    y = value_windows.gather(-1, local).squeeze(-1)
    if not return_indices:
        return y
    indices = index_windows.expand(*value_windows.shape).gather(-1, local).squeeze(-1)
    # With dilation a window can fall wholly in the padding; torch then reports -inf and the
    # offset of the window's first cell at or after row/column 0. Do the same.
    empty = (index_windows < 0).all(dim=-1)
    if empty.any():
        starts = [torch.arange(out_hw[i], device=x.device) * strides[i] - pads[i] for i in range(2)]
        first = [s + (-s).clamp(min=0).add(dils[i] - 1).div(dils[i], rounding_mode="floor") * dils[i]
                 for i, s in enumerate(starts)]
        indices = torch.where(empty, first[0][:, None] * width + first[1][None, :], indices)
    return y, indices


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
    if not x.is_floating_point():
        raise ValueError(f"x must be a floating-point tensor for average pooling, got {x.dtype}; use x.float()")
    if divisor_override is not None and (not isinstance(divisor_override, int) or divisor_override == 0):
        raise ValueError(f"divisor_override must be a non-zero int or None, got {divisor_override!r}")

    total = _windows(x, out_hw, kernel, strides, pads, (1, 1), fill=0).sum(dim=-1)
    if divisor_override is not None:
        return total / divisor_override
    # Count the cells each window may divide by: a map of ones over the input (and over the
    # padding when it counts), zero beyond, windowed like x.
    height, width = x.shape[-2:]
    counted = torch.ones(height, width, dtype=x.dtype, device=x.device)
    if count_include_pad:
        counted = F.pad(counted, (pads[1], pads[1], pads[0], pads[0]), value=1)
        divisor = _windows(counted, out_hw, kernel, strides, (0, 0), (1, 1), fill=0).sum(dim=-1)
    else:
        divisor = _windows(counted, out_hw, kernel, strides, pads, (1, 1), fill=0).sum(dim=-1)
    return total / divisor


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
        raise ValueError(f"norm_type must be a positive number, got {norm_type!r}")
    kernel = pair(kernel_size, "kernel_size")
    mean = avg_pool2d(x.pow(norm_type), kernel, stride, 0, ceil_mode)
    return (torch.sign(mean) * F.relu(torch.abs(mean))).mul(kernel[0] * kernel[1]).pow(1.0 / norm_type)
