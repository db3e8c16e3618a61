"""Bilinear pooling (Lin et al. 2015) and its compact approximation by Tensor Sketch (Gao et al. 2016).

Bilinear pooling describes a feature map by the average outer product of its channel vectors: a
second-order, orderless statistic with ``C1 * C2`` entries. Tensor Sketch compresses it to ``d``
entries whose inner products approximate those of the full vectors, without ever forming them.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._checks import check_flag, check_int


def _check_map(t: torch.Tensor, name: str) -> None:
    if not isinstance(t, torch.Tensor) or t.dim() != 4:
        raise ValueError(f"{name} must be a 4-D tensor (N, C, H, W), got {getattr(t, 'shape', type(t).__name__)}")
    if 0 in t.shape[1:]:
        raise ValueError(f"{name} must have non-empty channels, height and width, got shape {tuple(t.shape)}")
    if not t.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor, got {t.dtype}")


def _check_pair(x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
    _check_map(x, "x")
    if y is None:
        return x
    _check_map(y, "y")
    if y.shape[0] != x.shape[0] or y.shape[-2:] != x.shape[-2:]:
        raise ValueError(f"y must have the batch size and (H, W) of x {tuple(x.shape)}, got {tuple(y.shape)}")
    if y.dtype != x.dtype or y.device != x.device:
        raise ValueError(f"y must have the dtype and device of x ({x.dtype}, {x.device}), got {y.dtype}, {y.device}")
    return y


def signed_sqrt(z: torch.Tensor) -> torch.Tensor:
    """``sign(z) * sqrt(|z|)``, with a finite gradient at zero (where the exact one is infinite)."""
    return torch.sign(z) * z.abs().clamp_min(1e-12).sqrt()


def _normalize(z: torch.Tensor, use_signed_sqrt: bool, l2_normalize: bool) -> torch.Tensor:
    if use_signed_sqrt:
        z = signed_sqrt(z)
    if l2_normalize:
        z = F.normalize(z, dim=-1)
    return z


def bilinear_pool(x: torch.Tensor, y: torch.Tensor | None = None, signed_sqrt: bool = True,
                  l2_normalize: bool = True) -> torch.Tensor:
    """Bilinear pooling of two feature maps (B-CNN), no torch counterpart.

    ``z[n] = vec((1 / HW) * sum_{h, w} x[n, :, h, w] y[n, :, h, w]^T)``, flattened row-major (entry
    ``i * C2 + j`` pairs channel i of x with channel j of y); then ``sign(z) sqrt(|z|)`` and
    ``z / ||z||_2`` when enabled.

    Inputs: x (N, C1, H, W); y (N, C2, H, W) or None for ``y = x``. Returns (N, C1 * C2).
    """
    y = _check_pair(x, y)
    check_flag(signed_sqrt, "signed_sqrt")
    check_flag(l2_normalize, "l2_normalize")
    height, width = x.shape[-2:]
    z = torch.einsum("nihw,njhw->nij", x, y).flatten(1) / (height * width)
    return _normalize(z, signed_sqrt, l2_normalize)


class BilinearPool(nn.Module):
    """:func:`bilinear_pool` as a network head: (N, C1, H, W) [, (N, C2, H, W)] -> (N, C1 * C2)."""

    def __init__(self, signed_sqrt: bool = True, l2_normalize: bool = True):
        super().__init__()
        self.signed_sqrt = check_flag(signed_sqrt, "signed_sqrt")
        self.l2_normalize = check_flag(l2_normalize, "l2_normalize")

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return bilinear_pool(x, y, self.signed_sqrt, self.l2_normalize)


def count_sketch(v: torch.Tensor, h: torch.Tensor, s: torch.Tensor, output_dim: int) -> torch.Tensor:
    """Count sketch (Charikar et al. 2002) of the last dimension of ``v``.

    ``out[..., t] = sum_{c : h[c] = t} s[c] * v[..., c]``: every input coordinate is added, with a random
    sign ``s[c]`` in {-1, +1}, to one random bucket ``h[c]`` in ``[0, output_dim)``. A linear map, so
    gradients flow; ``<CS(u), CS(v)>`` is an unbiased estimate of ``<u, v>``.
    """
    check_int(output_dim, "output_dim")
    for name, t in (("v", v), ("h", h), ("s", s)):
        if not isinstance(t, torch.Tensor):
            raise ValueError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if v.dim() == 0 or not v.is_floating_point():
        raise ValueError(f"v must be a floating-point tensor with at least one dimension, got {v.dtype}, "
                         f"shape {tuple(v.shape)}")
    channels = v.shape[-1]
    if h.shape != (channels,) or s.shape != (channels,):
        raise ValueError(f"h and s must have shape ({channels},) like the last dimension of v, "
                         f"got {tuple(h.shape)} and {tuple(s.shape)}")
    if h.dtype != torch.int64 or (channels and not 0 <= int(h.min()) <= int(h.max()) < output_dim):
        raise ValueError(f"h must hold int64 buckets in [0, output_dim={output_dim})")
    out = v.new_zeros(*v.shape[:-1], output_dim)
    return out.index_add(-1, h, v * s.to(v.dtype))


class TensorSketch(nn.Module):
    """Tensor Sketch of the outer product of two vectors (Pham & Pagh 2013), with fixed random hashes.

    ``TS(u, v) = irfft(rfft(CS1(u)) * rfft(CS2(v)))``: the circular convolution of two independent count
    sketches equals the count sketch of ``vec(u v^T)`` under a combined hash, computed without forming
    the outer product. Hence ``E <TS(u, v), TS(u', v')> = <u, u'> <v, v'>`` (``= <u, u'>^2`` for v = u,
    the kernel that full bilinear pooling's inner product computes), with an error that shrinks like
    ``1 / sqrt(output_dim)``.

    The hashes ``h1, s1, h2, s2`` are buffers drawn from a generator seeded with ``seed``: they move
    with the module, are saved in its state dict, and never train.
    """

    def __init__(self, in_features1: int, in_features2: int | None = None, output_dim: int = 8192, seed: int = 0):
        super().__init__()
        in_features2 = in_features1 if in_features2 is None else in_features2
        for name, value in (("in_features1", in_features1), ("in_features2", in_features2),
                            ("output_dim", output_dim)):
            check_int(value, name)
        check_int(seed, "seed", 0)
        self.output_dim = output_dim
        generator = torch.Generator().manual_seed(seed)
        for i, channels in ((1, in_features1), (2, in_features2)):
            self.register_buffer(f"h{i}", torch.randint(output_dim, (channels,), generator=generator))
            self.register_buffer(f"s{i}", torch.randint(2, (channels,), generator=generator) * 2.0 - 1.0)

    def forward(self, u: torch.Tensor, v: torch.Tensor | None = None) -> torch.Tensor:
        v = u if v is None else v
        for name, t in (("u", u), ("v", v)):
            if not isinstance(t, torch.Tensor) or not t.is_floating_point():
                raise ValueError(f"{name} must be a floating-point tensor, got {getattr(t, 'dtype', type(t))}")
        # FFTs of half-precision tensors need power-of-two sizes on the GPU and do not exist on the CPU:
        # sketch in float32 and round the result back.
        dtype = u.dtype
        if dtype in (torch.float16, torch.bfloat16):
            u, v = u.float(), v.float()
        d = self.output_dim
        sketch_u = torch.fft.rfft(count_sketch(u, self.h1, self.s1.to(u.dtype), d), dim=-1)
        sketch_v = torch.fft.rfft(count_sketch(v, self.h2, self.s2.to(v.dtype), d), dim=-1)
        return torch.fft.irfft(sketch_u * sketch_v, n=d, dim=-1).to(dtype)


class CompactBilinearPool(nn.Module):
    """Compact bilinear pooling (Gao et al. 2016, Tensor Sketch variant): (N, C, H, W) -> (N, output_dim).

    ``z[n] = (1 / HW) * sum_{h, w} TS(x[n, :, h, w], y[n, :, h, w])``, then the signed square root and
    L2 normalisation of :func:`bilinear_pool`. Inner products of ``z`` approximate those of the full
    ``C1 * C2`` bilinear vectors (before normalisation), at a fraction of the size.
    """

    def __init__(self, in_channels1: int, in_channels2: int | None = None, output_dim: int = 8192, seed: int = 0,
                 signed_sqrt: bool = True, l2_normalize: bool = True):
        super().__init__()
        self.sketch = TensorSketch(in_channels1, in_channels2, output_dim, seed)
        self.signed_sqrt = check_flag(signed_sqrt, "signed_sqrt")
        self.l2_normalize = check_flag(l2_normalize, "l2_normalize")

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        y = _check_pair(x, y)
        for name, t, expected in (("x", x, self.sketch.h1), ("y", y, self.sketch.h2)):
            if t.shape[1] != expected.shape[0]:
                raise ValueError(f"{name} must have {expected.shape[0]} channels, got {t.shape[1]}")
        z = self.sketch(x.flatten(2).transpose(1, 2), y.flatten(2).transpose(1, 2)).mean(dim=1)
        return _normalize(z, self.signed_sqrt, self.l2_normalize)
