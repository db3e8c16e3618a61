"""Max unpooling written from ``scatter``, matching ``torch.nn.functional.max_unpool2d``, but strict.

Unpooling puts every pooled value back at the position its index names, in an otherwise zero plane.
The indices are flat offsets ``h * W + w`` into a plane of width ``W``, so they only mean something
for the plane size they were computed on: this is why ``output_size`` matters for odd input sizes.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ._checks import IntPair, check_at_least, check_feature_map, pair


def unpool_output_shape(input_hw: tuple[int, int], kernel_size: IntPair, stride: IntPair | None = None,
                        padding: IntPair = 0, output_size: Sequence[int] | None = None) -> tuple[int, int]:
    """The (H, W) plane that ``max_unpool2d`` writes into.

    Default: ``(H_in - 1) * stride - 2 * padding + kernel_size`` per dimension, the smallest input a
    max pool with these settings maps to ``H_in``. An explicit ``output_size`` ((H, W), or the whole
    shape with batch and channels) must lie strictly within ``stride`` of that default, as torch
    requires, because only those sizes pool back to ``H_in``.
    """
    kernel = pair(kernel_size, "kernel_size")
    strides = kernel if stride is None else pair(stride, "stride")
    pads = pair(padding, "padding")
    check_at_least(kernel, "kernel_size", 1)
    check_at_least(strides, "stride", 1)
    check_at_least(pads, "padding", 0)
    default = tuple((input_hw[i] - 1) * strides[i] - 2 * pads[i] + kernel[i] for i in range(2))
    if output_size is None:
        if min(default) < 1:
            raise ValueError(f"kernel_size={kernel}, stride={strides}, padding={pads} give an empty output "
                             f"{default} for an input of size {tuple(input_hw)}; pass output_size")
        return default
    sizes = tuple(output_size)
    if len(sizes) not in (2, 3, 4) or not all(isinstance(s, int) for s in sizes):
        raise ValueError(f"output_size must be (H, W) or the full output shape, got {output_size!r}")
    sizes = sizes[-2:]
    for i, name in enumerate(("height", "width")):
        low, high = default[i] - strides[i], default[i] + strides[i]
        if not low < sizes[i] < high:
            raise ValueError(f"output_size {name} must be between {low + 1} and {high - 1} for an input of "
                             f"size {input_hw[i]} with kernel_size={kernel[i]}, stride={strides[i]}, "
                             f"padding={pads[i]}; got {sizes[i]}")
    return sizes


def max_unpool2d(x: torch.Tensor, indices: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None,
                 padding: IntPair = 0, output_size: Sequence[int] | None = None) -> torch.Tensor:
    """Partial inverse of max pooling, the counterpart of ``torch.nn.functional.max_unpool2d``.

    ``y.flatten(-2)[..., indices[..., i, j]] = x[..., i, j]``; every other cell of ``y`` is zero.

    Inputs:
    - x: (N, C, H_in, W_in) or (C, H_in, W_in), the pooled values (or any values to place).
    - indices: int64, the shape of ``x``, as returned by ``max_pool2d(..., return_indices=True)``.
    - kernel_size, stride (default: kernel_size), padding: those of the max pool; int or pair.
    - output_size: the pooled input's (H, W) (or full shape). Needed whenever several sizes pool to
      ``H_in``, e.g. 5 and 4 both pool to 2 with a 2x2 window.

    Returns y of shape (..., H, W). Unlike torch, which can silently put values in the wrong cells
    when ``output_size`` is wrong, every index must lie inside the output plane and inside its own
    pooling window there; otherwise a ``ValueError`` explains that ``output_size`` does not match the
    plane the indices were computed on. Where windows overlap, several inputs can share an index and
    one value is kept: on the CPU the last in row-major order, which is what torch's CPU kernel gives
    on one thread (with several threads, torch's choice depends on how it splits the rows; on a GPU
    neither specifies it). The gradient reaches every input at its index, as in torch.
    """
    check_feature_map(x)
    if not isinstance(indices, torch.Tensor) or indices.shape != x.shape:
        raise ValueError(f"indices must be a tensor of the shape of x {tuple(x.shape)}, "
                         f"got {tuple(indices.shape) if isinstance(indices, torch.Tensor) else type(indices).__name__}")
    if indices.dtype != torch.int64:
        raise ValueError(f"indices must be int64 (as max_pool2d returns them), got {indices.dtype}")
    kernel = pair(kernel_size, "kernel_size")
    strides = kernel if stride is None else pair(stride, "stride")
    pads = pair(padding, "padding")
    in_h, in_w = x.shape[-2:]
    out_h, out_w = unpool_output_shape((in_h, in_w), kernel, strides, pads, output_size)

    rows, cols = indices.div(out_w, rounding_mode="floor"), indices.remainder(out_w)
    top = torch.arange(in_h, device=x.device)[:, None] * strides[0] - pads[0]
    left = torch.arange(in_w, device=x.device)[None, :] * strides[1] - pads[1]
    inside = (indices >= 0) & (indices < out_h * out_w)
    in_window = (rows >= top) & (rows < top + kernel[0]) & (cols >= left) & (cols < left + kernel[1])
    if not bool((inside & in_window).all()):
        bad = indices[~(inside & in_window)][0].item()
        raise ValueError(
            f"index {bad} does not fit an output plane of {out_h}x{out_w}: it lies outside the plane or "
            f"outside its own pooling window there. The indices were computed on a plane of another size; "
            f"pass output_size=<the (H, W) of the tensor that was pooled>")

    flat = x.new_zeros(*x.shape[:-2], out_h * out_w)
    return flat.scatter(-1, indices.flatten(-2), x.flatten(-2)).unflatten(-1, (out_h, out_w))
