"""Output-size arithmetic for pooling and convolution, with PyTorch's exact rules.

For one spatial dimension of size ``L``, kernel ``k``, stride ``s``, padding ``p`` and dilation ``d``,
a window spans ``d*(k-1) + 1`` input positions and

    out = round((L + 2p - d(k-1) - 1) / s) + 1,   round = floor, or ceil when ceil_mode=True.

With ``ceil_mode=True`` PyTorch drops the last window when it would start beyond the input and the
left padding, i.e. when ``(out-1)*s >= L + p``. Pooling also rejects ``p > k/2``.
"""

from __future__ import annotations

from ._checks import IntPair, check_flag, check_int, geometry, pair


def _pool_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool, where: str = "") -> int:
    """One dimension of :func:`pool_output_size`, arguments already known to be positive ints."""
    if 2 * p > k:
        raise ValueError(
            f"padding{where} must be at most half of kernel_size{where}: got padding={p} with "
            f"kernel_size={k}, so padding may be at most {k // 2}"
        )
    span = d * (k - 1) + 1
    numerator = size + 2 * p - span
    out = (-(-numerator // s) if ceil_mode else numerator // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    if out < 1:
        raise ValueError(
            f"kernel_size{where}={k} with dilation={d} spans {span} positions, more than the padded "
            f"input size {size} + 2*{p} = {size + 2 * p}: the output would be empty"
        )
    return out


def _check_sizes(**values: int) -> None:
    """One-dimensional geometry: padding may be 0, everything else is at least 1."""
    for name, value in values.items():
        check_int(value, name, 0 if name == "padding" else 1)


def pool_output_size(size: int, kernel_size: int, stride: int | None = None, padding: int = 0,
                     dilation: int = 1, ceil_mode: bool = False) -> int:
    """Length of one output dimension of ``F.max_pool2d`` / ``F.avg_pool2d`` (stride defaults to kernel_size).

    ``out = floor_or_ceil((size + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1``, minus one
    when ceil_mode would start the last window past the input and the left padding.

    >>> pool_output_size(5, 3, ceil_mode=True)
    2
    """
    stride = kernel_size if stride is None else stride
    _check_sizes(size=size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
    check_flag(ceil_mode, "ceil_mode")
    return _pool_size(size, kernel_size, stride, padding, dilation, ceil_mode)


def pool_output_shape(input_hw: IntPair, kernel_size: IntPair, stride: IntPair | None = None,
                      padding: IntPair = 0, dilation: IntPair = 1, ceil_mode: bool = False) -> tuple[int, int]:
    """``(H_out, W_out)`` of a 2-D pooling layer: the spatial shape ``nn.MaxPool2d`` gives for ``input_hw``."""
    size = pair(input_hw, "input_hw", 1)
    kernel, strides, pads, dils = geometry(kernel_size, stride, padding, dilation)
    check_flag(ceil_mode, "ceil_mode")
    h = _pool_size(size[0], kernel[0], strides[0], pads[0], dils[0], ceil_mode, " (height)")
    w = _pool_size(size[1], kernel[1], strides[1], pads[1], dils[1], ceil_mode, " (width)")
    return h, w


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Length of one output dimension of ``nn.Conv2d``: ``floor((L + 2p - d(k-1) - 1) / s) + 1``."""
    _check_sizes(size=size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
    span = dilation * (kernel_size - 1) + 1
    if span > size + 2 * padding:
        raise ValueError(
            f"kernel_size={kernel_size} with dilation={dilation} spans {span} positions, more than the "
            f"padded input size {size} + 2*{padding} = {size + 2 * padding}"
        )
    return (size + 2 * padding - span) // stride + 1


def window_positions(out_index: int, kernel_size: int, stride: int | None = None, padding: int = 0,
                     dilation: int = 1) -> list[int]:
    """Input positions read by output ``out_index`` along one dimension.

    Positions are in unpadded coordinates, so ``-1`` is the first padding cell and values ``>= size``
    are right padding (or, with ceil_mode, the part of a partial window that reads nothing).
    """
    stride = kernel_size if stride is None else stride
    _check_sizes(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
    check_int(out_index, "out_index", 0)
    start = out_index * stride - padding
    return [start + j * dilation for j in range(kernel_size)]
