"""Image transforms the experiments apply to whole batches."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .data import MNIST_MEAN, MNIST_STD

Shift = int | Sequence[int] | torch.Tensor


def standardize(images: torch.Tensor, mean: float = MNIST_MEAN, std: float = MNIST_STD) -> torch.Tensor:
    """``(images - mean) / std``: by default MNIST's standardisation, as ``load_mnist(normalize=True)``."""
    if not isinstance(images, torch.Tensor) or not images.is_floating_point():
        raise ValueError(f"images must be a floating-point tensor, got {getattr(images, 'dtype', type(images))}")
    if not std > 0:
        raise ValueError(f"std must be positive, got {std!r}")
    return (images - mean) / std


def _shift_one(x: torch.Tensor, dy: int, dx: int, fill: float) -> torch.Tensor:
    height, width = x.shape[-2:]
    padded = F.pad(x, (max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0)), value=fill)
    top, left = max(-dy, 0), max(-dx, 0)
    return padded[..., top : top + height, left : left + width]


def _per_image(shift: Shift, name: str, count: int, limit: int) -> list[int]:
    values = shift.tolist() if isinstance(shift, torch.Tensor) else shift
    values = [values] * count if isinstance(values, int) and not isinstance(values, bool) else list(values)
    if len(values) != count or not all(isinstance(v, int) and not isinstance(v, bool) and abs(v) < limit
                                       for v in values):
        raise ValueError(f"{name} must be an int, or one int per image ({count}), each with |{name}| < {limit}; "
                         f"got {shift!r}")
    return values


def shift_images(x: torch.Tensor, dy: Shift, dx: Shift, fill: float = 0.0) -> torch.Tensor:
    """Translate images (..., H, W) by ``dy`` rows down and ``dx`` columns right, filling with ``fill``.

    Unlike ``torch.roll`` nothing wraps around: pixels pushed past the border are lost, as when an
    object moves in the frame. Negative shifts move up / left. ``dy`` and ``dx`` are ints (one shift
    for the whole batch) or sequences with one shift per image along the first dimension. For
    standardised images pass the background's value, e.g. ``standardize(torch.tensor(0.0))``.
    """
    if not isinstance(x, torch.Tensor) or x.dim() < 2:
        raise ValueError("x must be a tensor with at least 2 dimensions (..., H, W)")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in (dy, dx)):
        for name, value, limit in (("dy", dy, x.shape[-2]), ("dx", dx, x.shape[-1])):
            if abs(value) >= limit:
                raise ValueError(f"{name} must be an int with |{name}| < {limit}, got {value!r}")
        return _shift_one(x, dy, dx, fill)
    if x.dim() < 3:
        raise ValueError("x must have a batch dimension (N, ..., H, W) for one shift per image")
    rows = _per_image(dy, "dy", len(x), x.shape[-2])
    cols = _per_image(dx, "dx", len(x), x.shape[-1])
    out = torch.empty_like(x)
    for shift in set(zip(rows, cols, strict=True)):  # one padded copy per distinct shift, not per image
        chosen = torch.tensor([i for i, pair in enumerate(zip(rows, cols, strict=True)) if pair == shift],
                              device=x.device)
        out[chosen] = _shift_one(x[chosen], *shift, fill)
    return out
