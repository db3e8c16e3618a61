"""Fast versions of operators whose reference implementation is written for reading, not speed.

The reference ``utils.max_pool2d`` (``utils/pooling.py``) cuts every window out of the input, which
is easy to check line by line but moves ``kH*kW`` times the data; ``fast_max_pool2d`` gives the same
results (values, indices, ties, NaNs, gradients: the tests run over both) without that copy: in C
loops (``utils/c_kernels.c``) for float32 on the CPU, and in torch operations for everything else,
or where no C compiler is at hand. The layers are the pooling variants of ``utils/variants.py`` on
torch's native pooling kernels, fast enough to train with. Each says what it trades for speed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
import torch.nn.functional as F

from . import c_kernels
from ._checks import IntPair, check_flag, geometry
from .pooling import _prepare, first_real_cell
from .variants import MixedPool2d, SoftPool2d, StochasticPool2d

INT32_LIMIT = 2**31  # window offsets are accumulated in int32 below this, in int64 from it
SWEEP_CHUNK_BYTES = 4 * 2**20  # the index sweep works through x in slices of the batch of about this size
USE_C_KERNELS = True  # float32 on the CPU goes through utils/c_kernels.c when it builds; see without_c_kernels


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
    that no real cell reaches keep ``fill``. When two taps read a real cell for every output (2x2
    stride 2, or any window away from the borders), the first pass is ``torch.maximum`` of those two
    slices, which writes the result directly, with no copy of a first slice to start from.
    """
    shape = list(x.shape)
    shape[dim] = out_len
    whole, partial = [], []
    for tap in _real_taps(x.shape[dim], out_len, kernel, stride, padding, dilation):
        lo, hi, read = _taps(tap, x.shape[dim], out_len, stride, padding, dilation)
        if lo < hi:
            cells = x[(slice(None),) * (dim % x.dim()) + (read,)]
            (whole if lo == 0 and hi == out_len else partial).append((lo, hi, cells))
    if len(whole) >= 2:
        out = torch.maximum(whole[0][2], whole[1][2])
        rest = whole[2:] + partial
    elif whole:
        out, rest = whole[0][2].clone(memory_format=torch.contiguous_format), partial
    elif partial:  # every tap misses some outputs: start from the first, with `fill` where it reads only padding
        lo, hi, cells = partial[0]
        out, rest = F.pad(cells, [0, 0] * (-dim - 1) + [lo, out_len - hi], value=fill), partial[1:]
    else:
        return x.new_full(shape, fill)
    for lo, hi, cells in rest:
        out.narrow(dim, lo, hi - lo).clamp_(min=cells)  # an in-place maximum that propagates NaN, as torch.maximum
    return out


def _real_windows(size: tuple[int, int], out_hw: tuple[int, int], kernel: tuple[int, int], strides: tuple[int, int],
                  pads: tuple[int, int], dils: tuple[int, int], device: torch.device) -> torch.Tensor | None:
    """Which windows reach a real cell, an (H_out, W_out) bool mask, or None when all do. With dilation a
    window can lie wholly in the padding: its maximum is -inf and it sends no gradient."""
    hits = []
    for dim in range(2):
        hit = [False] * out_hw[dim]
        for tap in _real_taps(size[dim], out_hw[dim], kernel[dim], strides[dim], pads[dim], dils[dim]):
            lo, hi, _ = _taps(tap, size[dim], out_hw[dim], strides[dim], pads[dim], dils[dim])
            hit[lo:hi] = [True] * (hi - lo)
        hits.append(hit)
    if all(hits[0]) and all(hits[1]):
        return None
    return torch.tensor(hits[0], device=device)[:, None] & torch.tensor(hits[1], device=device)[None, :]


def _argmax_in_windows(x: torch.Tensor, y: torch.Tensor, kernel: tuple[int, int], strides: tuple[int, int],
                       pads: tuple[int, int], dils: tuple[int, int]) -> torch.Tensor:
    """Flat plane offsets of the cells torch's max pooling picks: the first that equals the window's
    maximum ``y`` in row-major order, or the last NaN of a window that has one, in int32 where every
    offset fits (``INT32_LIMIT``), else int64."""
    height, width = x.shape[-2:]
    out_h, out_w = y.shape[-2:]
    rows_taps = {a: _taps(a, height, out_h, strides[0], pads[0], dils[0])
                 for a in _real_taps(height, out_h, kernel[0], strides[0], pads[0], dils[0])}
    cols_taps = {b: _taps(b, width, out_w, strides[1], pads[1], dils[1])
                 for b in _real_taps(width, out_w, kernel[1], strides[1], pads[1], dils[1])}
    taps = [(a, b, rows, cols) for a, rows in rows_taps.items() for b, cols in cols_taps.items()
            if rows[0] < rows[1] and cols[0] < cols[1]]
    offsets = [a * dils[0] * width + b * dils[1] for a, b, _, _ in taps] or [0]  # of each tap from its window's origin
    origin_rows = torch.arange(out_h, device=y.device) * strides[0] - pads[0]
    origin_cols = torch.arange(out_w, device=y.device) * strides[1] - pads[1]
    # Every value the offsets pass through lies within +-reach: int32 then suffices, and each pass
    # writes half the bytes of int64. The result is widened once, at the end.
    reach = (pads[0] + (out_h - 1) * strides[0]) * width + pads[1] + (out_w - 1) * strides[1] + max(offsets)
    dtype = torch.int32 if reach < INT32_LIMIT else torch.int64

    # offset[i, j] = offset of the first tap that equals the maximum: the first tap's offset plus, for
    # every tap that misses, the step to the next one (a running product of the misses: elementwise
    # passes, far faster than masked_fill_ or a lookup of tap numbers).
    offset = torch.zeros_like(y, dtype=dtype)  # batched under vmap, as y
    not_found = None
    for number, (_, _, rows, cols) in enumerate(taps[:-1]):
        block = (..., slice(rows[0], rows[1]), slice(cols[0], cols[1]))
        miss = x[..., rows[2], cols[2]] != y[block]
        if not_found is None and rows[:2] == (0, out_h) and cols[:2] == (0, out_w):
            not_found = miss
        else:
            not_found = torch.ones_like(y, dtype=torch.bool) if not_found is None else not_found
            not_found[block].logical_and_(miss)  # a window outside the block keeps its state
        offset.add_(not_found, alpha=offsets[number + 1] - offsets[number])
    # NaNs, which equal nothing, are marked in tap order, so the last NaN of a window wins, as in torch.
    # A NaN in a window makes its maximum NaN, so without one the sweep is skipped (not under vmap,
    # which forbids a branch on values).
    if y.is_floating_point() and (torch._C._functorch.is_batchedtensor(y) or y.isnan().any()):
        for number, (_, _, rows, cols) in enumerate(taps):
            block = (..., slice(rows[0], rows[1]), slice(cols[0], cols[1]))
            offset[block].masked_fill_(x[..., rows[2], cols[2]].isnan(), offsets[number] - offsets[0])
    origins = origin_rows[:, None] * width + origin_cols[None, :] + offsets[0]
    indices = offset.add_(origins.to(dtype))
    found = _real_windows((height, width), (out_h, out_w), kernel, strides, pads, dils, y.device)
    if found is None:
        return indices
    # Torch reports, for a window wholly in the padding, the offset of the window's first cell at or
    # after row/column 0 (which may lie outside the plane). Do the same.
    first = [first_real_cell(origin_rows, dils[0]), first_real_cell(origin_cols, dils[1])]
    return torch.where(found, indices, first[0][:, None] * width + first[1][None, :])


def _argmax_by_chunks(x: torch.Tensor, y: torch.Tensor, *geometry) -> torch.Tensor:
    """The int64 indices of :func:`_argmax_in_windows`, found for about ``SWEEP_CHUNK_BYTES`` of ``x`` at a time.

    The sweep reads ``x`` once per tap. On a tensor larger than the cache every one of those reads comes
    from memory; a slice of the batch, read by all taps in turn, stays in the cache."""
    per_chunk = max(1, SWEEP_CHUNK_BYTES // (x.shape[1:].numel() * x.element_size()))  # items (or channels)
    # Sweep whole on a GPU (each slice costs kernel launches; the cache argument is the CPU's) and under
    # vmap (a batched slice cannot be written into a plain buffer).
    if per_chunk >= len(x) or x.device.type != "cpu" or torch._C._functorch.is_batchedtensor(y):
        return _argmax_in_windows(x, y, *geometry).long()
    indices = torch.empty(y.shape, dtype=torch.long, device=y.device)
    for start in range(0, len(x), per_chunk):
        # widened to int64 as it is written, in one pass
        indices[start:start + per_chunk] = _argmax_in_windows(x[start:start + per_chunk], y[start:start + per_chunk],
                                                              *geometry)
    return indices


def _torch_max_pool2d(x: torch.Tensor, out_hw: tuple[int, int], kernel: tuple[int, int], strides: tuple[int, int],
                      pads: tuple[int, int], dils: tuple[int, int],
                      return_indices: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Values (and indices when asked) from torch operations alone: any device, dtype, layout, and vmap."""
    fill = -float("inf") if x.is_floating_point() else torch.iinfo(x.dtype).min
    # Rows first: those slices are contiguous along W, and they halve the data the strided W pass reads.
    y = _axis_max(x, -2, out_hw[0], kernel[0], strides[0], pads[0], dils[0], fill)
    y = _axis_max(y, -1, out_hw[1], kernel[1], strides[1], pads[1], dils[1], fill)
    return y, (_argmax_by_chunks(x, y, kernel, strides, pads, dils) if return_indices else None)


@contextlib.contextmanager
def without_c_kernels() -> Iterator[None]:
    """Inside ``with utils.fast.without_c_kernels():``, fast_max_pool2d uses its torch operations alone, as on
    a machine without a C compiler: to compare the two, or to read what the torch version does."""
    global USE_C_KERNELS
    before, USE_C_KERNELS = USE_C_KERNELS, False
    try:
        yield
    finally:
        USE_C_KERNELS = before


def fast_max_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
                    dilation: IntPair = 1, ceil_mode: bool = False, return_indices: bool = False):
    """2-D max pooling with the results of :func:`utils.max_pool2d`, at memory speed.

    The same formula, inputs, outputs, tie and NaN rules and gradients as the reference (see its
    docstring), and the same counterpart, ``torch.nn.functional.max_pool2d``.

    How: a 2-D window's maximum is the maximum over its columns of the maximum over its rows, so the
    values come from two 1-D passes.
    - A contiguous float32 tensor on the CPU goes through the C loops of ``utils/c_kernels.c``
      (``utils/c_kernels.py`` builds them on first use): for each output row, the maximum over the
      window's rows of whole input rows, vectorised, then the maximum over each window's columns of
      that one row, in the cache. Each input row comes from memory once. With indices, the rows pass
      also keeps the row each maximum came from, and the columns pass picks the cell torch picks.
      The planes are split over torch's threads.
    - Anything else (other dtypes, a GPU, other layouts, vmap, or no C compiler) goes through torch
      operations: each pass is a running ``torch.maximum`` over strided slices, the first two slices
      that cover every output making the pass's result directly, the others updating it in place
      (kH + kW - 2 elementwise maxima, no padded copy, no window tensor). When indices or gradients
      are needed, a second sweep (a slice of the batch at a time, so that the slice stays in the
      cache while every tap reads it) finds the cell in each window that holds the maximum with
      elementwise comparisons only (a NaN sweep runs only if some maximum is NaN).
    For gradients, ``y`` is gathered from the picked cells, so that the gradient goes to that one
    cell, as in torch.

    What it trades for speed: a compiled language that a reader has to open a second file for, and
    Python loops over the kernel's taps and the index bookkeeping of ``_taps`` in place of one
    ``unfold``. Only taps that reach a real cell are visited, so a kernel far larger than the input
    (which torch's padding rule allows) costs no more than the input.
    """
    kernel, strides, pads, dils, out_hw = _prepare(x, kernel_size, stride, padding, dilation, ceil_mode, integer=True)
    check_flag(return_indices, "return_indices")
    if x.is_meta:  # shapes only: there are no values to compare
        y = x.new_empty(*x.shape[:-2], *out_hw)
        return (y, y.long()) if return_indices else y
    needs_grad = torch.is_grad_enabled() and x.requires_grad
    with torch.no_grad():
        pool = c_kernels.max_pool2d if USE_C_KERNELS and c_kernels.supports(x) else _torch_max_pool2d
        y, indices = pool(x.detach(), out_hw, kernel, strides, pads, dils, return_indices or needs_grad)
    if needs_grad:
        # Gather y from the picked cells so that the gradient flows to them; a window wholly in the
        # padding keeps its -inf and sends no gradient, whatever offset it reports.
        found = _real_windows(tuple(x.shape[-2:]), out_hw, kernel, strides, pads, dils, x.device)
        picked = indices if found is None else indices.where(found, 0)
        gathered = x.flatten(-2).gather(-1, picked.flatten(-2)).view(y.shape)
        y = gathered if found is None else torch.where(found, gathered, y)
    return (y, indices) if return_indices else y


class FastMixedPool2d(MixedPool2d):
    """:class:`utils.MixedPool2d` computed with torch's native max and average pooling kernels.

    The same blend ``alpha * max + (1 - alpha) * avg`` and the same parameters (``learnable`` gives a
    ``logit`` with ``alpha = sigmoid(logit)``); it trades the from-scratch operators, which a learner can
    read, for kernels fast enough to train with.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        alpha = self.alpha
        return alpha * F.max_pool2d(x, self.kernel_size, self.stride) + (1 - alpha) * F.avg_pool2d(
            x, self.kernel_size, self.stride)


def _tiles(kernel_size: IntPair, stride: IntPair | None) -> tuple[int, int]:
    """The fast layers below need windows that tile the map: stride equal to the kernel size."""
    kernel, strides, _, _ = geometry(kernel_size, stride, 0)
    if strides != kernel:
        raise ValueError(f"stride must equal kernel_size for this fast layer (windows that tile the map), "
                         f"got kernel_size={kernel_size}, stride={stride}; use the utils layer for overlapping windows")
    return kernel


def _crop_to_tiles(x: torch.Tensor, kernel: tuple[int, int]) -> torch.Tensor:
    """Drop the last rows and columns that fill no whole window, as pooling with floor rounding does."""
    height, width = (x.shape[-2] // kernel[0]) * kernel[0], (x.shape[-1] // kernel[1]) * kernel[1]
    return x[..., :height, :width]


class FastSoftPool2d(SoftPool2d):
    """:class:`utils.SoftPool2d` for non-overlapping windows, from native pooling kernels.

    ``y = avg_pool(x * e^(x - m)) / avg_pool(e^(x - m))`` with ``m`` the window's maximum, broadcast back
    over its window (subtracting it keeps ``exp`` from overflowing and cancels in the ratio). It trades
    generality (stride must equal kernel_size) for speed.
    """

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None):
        super().__init__(kernel_size, stride)
        self.kernel = _tiles(kernel_size, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _crop_to_tiles(x, self.kernel)
        peak = F.max_pool2d(x.detach(), self.kernel)
        weights = torch.exp(x - peak.repeat_interleave(self.kernel[0], -2).repeat_interleave(self.kernel[1], -1))
        return F.avg_pool2d(x * weights, self.kernel) / F.avg_pool2d(weights, self.kernel)


class FastStochasticPool2d(StochasticPool2d):
    """:class:`utils.StochasticPool2d` for non-overlapping windows of a non-negative input, vectorised.

    Evaluation: ``sum a^2 / sum a`` as a ratio of two native average pools. Training: one draw per window
    from a cumulative sum of its activations, with torch's global random generator. It trades generality
    (stride must equal kernel_size) and the sign check of the reference for speed.
    """

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None):
        super().__init__(kernel_size, stride)
        self.kernel = _tiles(kernel_size, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _crop_to_tiles(x, self.kernel)
        if not self.training:
            return F.avg_pool2d(x * x, self.kernel) / F.avg_pool2d(x, self.kernel).clamp(min=torch.finfo(x.dtype).tiny)
        (kh, kw), (height, width) = self.kernel, x.shape[-2:]
        windows = x.unflatten(-2, (height // kh, kh)).unflatten(-1, (width // kw, kw))  # (..., Ho, kh, Wo, kw)
        windows = windows.transpose(-3, -2).flatten(-2)  # (..., Ho, Wo, kh*kw)
        running = windows.detach().cumsum(dim=-1)
        u = torch.rand(running.shape[:-1] + (1,), device=x.device, dtype=x.dtype) * running[..., -1:]
        index = (running <= u).sum(dim=-1, keepdim=True).clamp(max=kh * kw - 1)  # the first i with running_i > u
        return windows.gather(-1, index).squeeze(-1)
