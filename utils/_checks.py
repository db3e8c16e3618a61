"""Argument checks shared by the operators: every bad input becomes a ValueError that names it."""

from __future__ import annotations

from collections.abc import Sequence

import torch

IntPair = int | tuple[int, int] | Sequence[int]


def pair(value: IntPair, name: str) -> tuple[int, int]:
    """Return ``(v, v)`` for an int and ``(a, b)`` for a pair, as torch's ``_pair`` does."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = tuple(value)
        if len(items) == 1:
            items = items * 2
        if len(items) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            return (items[0], items[1])
    raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")


def check_at_least(value: tuple[int, int], name: str, minimum: int) -> None:
    if min(value) < minimum:
        raise ValueError(f"{name} must be >= {minimum} in both dimensions, got {value}")


def check_feature_map(x: torch.Tensor, name: str = "x") -> None:
    """Accept (C, H, W) or (N, C, H, W) with non-empty spatial dimensions, like torch's 2-D pooling."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() not in (3, 4):
        raise ValueError(f"{name} must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape {tuple(x.shape)}")
    if x.shape[-1] == 0 or x.shape[-2] == 0:
        raise ValueError(f"{name} must have non-empty height and width, got shape {tuple(x.shape)}")
