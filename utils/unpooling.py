"""Max unpooling from ``scatter_reduce`` and ``gather``, matching ``torch.nn.functional.max_unpool2d``, but strict.

Unpooling puts every pooled value back at the position its index names, in an otherwise zero plane.
The indices are flat offsets ``h * W + w`` into a plane of width ``W``, so they only mean something
for the plane size they were computed on: this is why ``output_size`` matters whenever several input
sizes pool to the same size (e.g. odd sizes with ``MaxPool2d(2)``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ._checks import IntPair, check_feature_map, geometry


def unpool_output_shape(input_hw: tuple[int, int], kernel_size: IntPair, stride: IntPair | None = None,
                        padding: IntPair = 0, output_size: Sequence[int] | None = None) -> tuple[int, int]:
    """The (H, W) plane that ``max_unpool2d`` writes into.

    ``input_hw`` is the pooled size (H_out, W_out), named as in lesson 01 (a max pool maps (H, W) to
    (H_out, W_out)). Default: ``(H_out - 1) * stride - 2 * padding + kernel_size`` per dimension, the
    smallest H that a max pool with these settings (and no dilation) maps to ``H_out``. An explicit
    ``output_size`` ((H, W), or the whole shape with batch and channels) must lie strictly within
    ``stride`` of that default, as torch requires.
    """
    kernel, strides, pads, _ = geometry(kernel_size, stride, padding)
    default = tuple((input_hw[i] - 1) * strides[i] - 2 * pads[i] + kernel[i] for i in range(2))
    if output_size is None:
        if min(default) < 1:
            raise ValueError(f"kernel_size={kernel}, stride={strides}, padding={pads} give an empty output "
                             f"{default} for an input of size {tuple(input_hw)}; pass output_size")
        return default
    sizes = tuple(output_size)
    if len(sizes) not in (2, 3, 4) or not all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
        raise ValueError(f"output_size must be (H, W) or the full output shape, got {output_size!r}")
    sizes = sizes[-2:]
    for i, name in enumerate(("height", "width")):
        low, high = default[i] - strides[i], default[i] + strides[i]
        if not low < sizes[i] < high:
            raise ValueError(f"output_size {name} must be between {low + 1} and {high - 1} for an input of "
                             f"size {input_hw[i]} with kernel_size={kernel[i]}, stride={strides[i]}, "
                             f"padding={pads[i]}; got {sizes[i]}")
    return sizes


class _PlaceLast(torch.autograd.Function):
    """Forward: each output cell takes the value of the last input (row-major) whose index names it.

    Backward: every input receives the upstream gradient at its index, as in torch's ``max_unpool2d``,
    including inputs whose value was overwritten by a later duplicate.
    """

    generate_vmap_rule = True  # works under torch.func.vmap, like torch's own max_unpool2d

    @staticmethod
    def forward(values: torch.Tensor, indices: torch.Tensor, plane: int) -> torch.Tensor:
        positions = torch.arange(values.shape[-1], device=values.device).expand_as(indices)
        # For every output cell, the largest input position that names it (-1: none). An integer maximum
        # does not depend on the order in which the reduction visits the inputs, so this is deterministic.
        last = torch.full((*values.shape[:-1], plane), -1, dtype=torch.int64, device=values.device)
        last = last.scatter_reduce(-1, indices, positions, reduce="amax")
        placed = values.gather(-1, last.clamp(min=0))
        return torch.where(last >= 0, placed, torch.zeros((), dtype=values.dtype, device=values.device))

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(inputs[1])

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (indices,) = ctx.saved_tensors
        return grad.gather(-1, indices), None, None


def max_unpool2d(x: torch.Tensor, indices: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None,
                 padding: IntPair = 0, output_size: Sequence[int] | None = None) -> torch.Tensor:
    """Partial inverse of max pooling, the counterpart of ``torch.nn.functional.max_unpool2d``.

    ``y.flatten(-2)[..., indices[..., i, j]] = x[..., i, j]``; every other cell of ``y`` is zero.

    Inputs:
    - x: (N, C, H_out, W_out) or (C, H_out, W_out), the pooled values (or any values to place).
    - indices: int64, the shape of ``x``, as returned by ``max_pool2d(..., return_indices=True)``.
    - kernel_size, stride (default: kernel_size), padding: those of the max pool; int or pair.
    - output_size: the (H, W) of the tensor that was pooled (or its full shape). Needed whenever several sizes pool
      to ``H_out``, e.g. 5 and 4 both pool to 2 with a 2x2 window.

    Returns y of shape (..., H, W). Unlike torch, which can silently put values in the wrong
    cells when ``output_size`` is wrong, every index must lie inside the output plane, and its row and
    column must not lie before the first row and column of its own pooling window, ``i * stride -
    padding``. Every max pool with this stride and padding satisfies that, whatever its dilation or
    ceil_mode (the window's end depends on the dilation, which unpooling is not told, so it is not
    checked). Otherwise a ``ValueError`` explains that ``output_size`` does not match the plane the
    indices were computed on. (One exception: a dilated window that falls entirely on padding gives
    ``-inf`` and an index outside the plane in torch; such indices are refused here.)

    Where windows overlap (stride < kernel_size, or a dilated pool), several inputs can share an index.
    Here the **last one in row-major order** wins, by construction: each cell takes the input with the
    largest position among those that name it, found with an integer maximum, so the result does not
    depend on threads or devices (and it runs under ``torch.use_deterministic_algorithms(True)``).
    Torch leaves the choice unspecified: its documentation calls ``max_unpool2d`` non-deterministic for
    repeated indices. Its CPU kernel writes in row-major order, so on one thread it keeps the last value
    too; with several threads, a plane split between threads may keep another. The gradient reaches
    every input at its index, also an overwritten one, as in torch.
    """
    check_feature_map(x)
    if not isinstance(indices, torch.Tensor) or indices.shape != x.shape:
        raise ValueError(f"indices must be a tensor of the shape of x {tuple(x.shape)}, "
                         f"got {tuple(indices.shape) if isinstance(indices, torch.Tensor) else type(indices).__name__}")
    if indices.dtype != torch.int64:
        raise ValueError(f"indices must be int64 (as max_pool2d returns them), got {indices.dtype}")
    kernel, strides, pads, _ = geometry(kernel_size, stride, padding)
    pooled_h, pooled_w = x.shape[-2:]
    out_h, out_w = unpool_output_shape((pooled_h, pooled_w), kernel, strides, pads, output_size)

    if x.is_meta or indices.is_meta:  # shapes only: no index to check
        return x.new_empty(*x.shape[:-2], out_h, out_w)
    rows, cols = indices.div(out_w, rounding_mode="floor"), indices.remainder(out_w)
    top = torch.arange(pooled_h, device=x.device)[:, None] * strides[0] - pads[0]
    left = torch.arange(pooled_w, device=x.device)[None, :] * strides[1] - pads[1]
    plane = f"an output plane of {out_h}x{out_w}"
    checks = [((indices >= 0) & (indices < out_h * out_w), f"lies outside {plane} (offsets 0 to {out_h * out_w - 1})"),
              ((rows >= top) & (cols >= left), f"does not fit {plane}: read in a plane {out_w} wide it lies before "
                                               f"the start of its own pooling window")]
    for ok, problem in checks:
        if not bool(ok.all()):
            raise ValueError(f"index {indices[~ok][0].item()} {problem}. The indices were computed on a plane of "
                             f"another size; pass output_size=<the (H, W) of the tensor that was pooled>")

    flat = _PlaceLast.apply(x.flatten(-2), indices.flatten(-2), out_h * out_w)
    return flat.unflatten(-1, (out_h, out_w))
