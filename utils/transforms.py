"""Image transforms the experiments apply to whole batches."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def shift_images(x: torch.Tensor, dy: int, dx: int, fill: float = 0.0) -> torch.Tensor:
    """Translate a batch (..., H, W) by ``dy`` rows down and ``dx`` columns right, filling with ``fill``.

    Unlike ``torch.roll`` nothing wraps around: pixels pushed past the border are lost, as when an
    object moves in the frame. Negative shifts move up / left. For standardised images pass the
    background's value, e.g. ``(0 - MNIST_MEAN) / MNIST_STD``.
    """
    if not isinstance(x, torch.Tensor) or x.dim() < 2:
        raise ValueError("x must be a tensor with at least 2 dimensions (..., H, W)")
    for name, value, limit in (("dy", dy, x.shape[-2]), ("dx", dx, x.shape[-1])):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= limit:
            raise ValueError(f"{name} must be an int with |{name}| < {limit}, got {value!r}")
    height, width = x.shape[-2:]
    padded = F.pad(x, (max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0)), value=fill)
    top, left = max(-dy, 0), max(-dx, 0)
    return padded[..., top : top + height, left : left + width]
