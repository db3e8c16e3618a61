"""Argument checks shared by the operators and layers: every bad input becomes an error that names it.

One helper per kind of argument, so that every function and layer refuses the same things with the
same words: ``check_int`` for a count or size, ``pair`` for an int-or-pair geometry argument,
``geometry`` for the kernel/stride/padding/dilation of a pooling window, ``check_number`` for a real
number in an interval, ``check_flag`` for a bool option, and ``check_feature_map`` for the
(N, C, H, W) or (C, H, W) input of a 2-D operator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

IntPair = int | tuple[int, int] | Sequence[int]

# Sizes, strides and paddings above this would overflow the int32 arithmetic of torch's kernels and
# describe tensors no machine holds; refusing them at once beats a hang or an overflow deep inside.
MAX_SIZE = 2**31 - 1


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_int(value, name: str, minimum: int = 1, maximum: int = MAX_SIZE) -> int:
    """``value`` if it is an int (not a bool) in ``[minimum, maximum]``, else a ValueError naming ``name``."""
    if not _is_int(value):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def pair(value: IntPair, name: str, minimum: int | None = None) -> tuple[int, int]:
    """``(v, v)`` for an int and ``(a, b)`` for a pair, as torch's ``_pair`` does; each at least ``minimum``."""
    items = None
    if _is_int(value):
        items = (value, value)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        items = tuple(value) * 2 if len(value) == 1 else tuple(value)
    if items is None or len(items) != 2 or not all(_is_int(v) for v in items):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if minimum is not None and min(items) < minimum:
        raise ValueError(f"{name} must be >= {minimum} in both dimensions, got {value!r}")
    if max(map(abs, items)) > MAX_SIZE:
        raise ValueError(f"{name} must be at most {MAX_SIZE} in both dimensions, got {value!r}")
    return items[0], items[1]


def geometry(kernel_size: IntPair, stride: IntPair | None, padding: IntPair,
             dilation: IntPair = 1) -> tuple[tuple[int, int], ...]:
    """The window of a 2-D pooling as four (height, width) pairs: kernel >= 1, stride >= 1 (default:
    the kernel), padding >= 0, dilation >= 1."""
    kernel = pair(kernel_size, "kernel_size", 1)
    strides = kernel if stride is None else pair(stride, "stride", 1)
    return kernel, strides, pair(padding, "padding", 0), pair(dilation, "dilation", 1)


def check_number(value, name: str, low: float, high: float = math.inf, low_open: bool = False,
                  tensor: bool = True) -> None:
    """A real number (or, if ``tensor``, a 0-dim floating-point tensor) in [low, high], or (low, high]."""
    if tensor and isinstance(value, torch.Tensor):
        if value.dim() != 0 or not value.is_floating_point():
            raise ValueError(f"{name} must be a number or a 0-dim floating-point tensor, got {value!r}")
        if value.is_meta or torch._C._functorch.is_batchedtensor(value):
            return  # no value to look at (shape propagation, or vmap, which forbids data-dependent checks)
        value = float(value.detach())
    elif not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not (low < value <= high if low_open else low <= value <= high):
        raise ValueError(f"{name} must lie in {'(' if low_open else '['}{low}, {high}], got {value!r}")


def check_flag(value, name: str) -> bool:
    """``value`` if it is a bool; torch refuses anything else (a string "False" would read as true)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return value


def check_feature_map(x: torch.Tensor, name: str = "x", *, integer: bool = False) -> None:
    """Accept (C, H, W) or (N, C, H, W) with non-empty C, H and W (N may be 0), as torch's 2-D pooling
    does, of a floating-point dtype (or an integer one if ``integer``); never bool or complex."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() not in (3, 4):
        raise ValueError(f"{name} must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape {tuple(x.shape)}")
    if 0 in x.shape[-3:]:
        raise ValueError(f"{name} must have non-empty channels, height and width (only the batch may be 0), "
                         f"got shape {tuple(x.shape)}")
    integral = not x.is_floating_point() and not x.is_complex() and x.dtype != torch.bool
    if not (x.is_floating_point() or (integer and integral)):
        kinds = "a floating-point or integer" if integer else "a floating-point"
        hint = "" if integer or not integral else "; use x.float()"
        raise ValueError(f"{name} must be {kinds} tensor, got {x.dtype}{hint}")

