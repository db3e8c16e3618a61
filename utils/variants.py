"""Pooling variants without a torch counterpart: weighted average, GeM, mixed, stochastic, SoftPool.

Each is a function with the ``torch.nn.functional`` style of arguments and, where a network learns
or switches behaviour between training and evaluation, an ``nn.Module`` around it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ._checks import IntPair, check_feature_map, check_flag, check_int, check_number, geometry
from .pooling import _prepare, _windows, avg_pool2d, max_pool2d


def _window_values(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None) -> torch.Tensor:
    """Windows (..., H_out, W_out, kH*kW) of an unpadded, undilated pooling layer."""
    kernel, strides, pads, dils, out_hw = _prepare(x, kernel_size, stride, 0, 1, False)
    return _windows(x, out_hw, kernel, strides, pads, dils, fill=0)


def weighted_avg_pool2d(x: torch.Tensor, weight: torch.Tensor, stride: IntPair | None = None,
                        padding: IntPair = 0) -> torch.Tensor:
    """Pooling with a weight for each position inside the window, per channel.

    ``y[n, c, i, j] = sum_{a, b} weight[c, a, b] * x[n, c, i*sH - pH + a, j*sW - pW + b]`` (zero padding),
    a depthwise convolution. ``weight`` is (C, kH, kW), or (kH, kW) shared by all channels; the
    kernel size is its shape and the stride defaults to it. Uniform weights ``1/(kH*kW)`` give
    ``F.avg_pool2d``. (Multiplying the input by one weight per channel, ``avg_pool2d(x * w)``, only
    rescales each channel: it does not weight positions.)
    """
    check_feature_map(x)
    if not isinstance(weight, torch.Tensor) or not weight.is_floating_point():
        raise ValueError(f"weight must be a floating-point torch.Tensor, got {getattr(weight, 'dtype', type(weight))}")
    if weight.device != x.device:
        raise ValueError(f"weight must be on the device of x ({x.device}), got {weight.device}")
    channels = x.shape[-3]
    if weight.dim() == 2:
        weight = weight.expand(channels, *weight.shape)
    if weight.dim() != 3 or weight.shape[0] != channels:
        raise ValueError(f"weight must be (kH, kW) or (C={channels}, kH, kW), got shape {tuple(weight.shape)}")
    kernel = tuple(weight.shape[-2:])
    _, strides, pads, _, _ = _prepare(x, kernel, stride, padding, 1, False)  # the same limits as avg_pool2d
    return F.conv2d(x, weight[:, None].to(x.dtype), stride=strides, padding=pads, groups=channels)


class WeightedAvgPool2d(nn.Module):
    """Learnable weighted average pooling: per-channel weights over window positions, a softmax of logits.

    The weights stay positive and sum to one, so the output is a true weighted average of the window;
    at initialisation they are uniform and the layer equals ``nn.AvgPool2d(kernel_size, stride)``.
    """

    def __init__(self, channels: int, kernel_size: IntPair, stride: IntPair | None = None):
        super().__init__()
        kernel, _, _, _ = geometry(kernel_size, stride, 0)
        check_int(channels, "channels")
        self.kernel_size, self.stride = kernel, stride
        self.logits = nn.Parameter(torch.zeros(channels, *kernel))

    def weights(self) -> torch.Tensor:
        """The current (C, kH, kW) weights; each channel's sum to one."""
        return self.logits.flatten(1).softmax(dim=1).view_as(self.logits)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return weighted_avg_pool2d(x, self.weights(), self.stride)


def gem_pool2d(x: torch.Tensor, p: float | torch.Tensor = 3.0, kernel_size: IntPair | None = None,
               stride: IntPair | None = None, eps: float = 1e-6) -> torch.Tensor:
    """Generalised-mean (GeM) pooling: ``y = (mean over the window of clamp(x, eps)^p)^(1/p)``.

    p = 1 is the average (of the clamped input), p -> inf approaches the maximum. ``kernel_size=None``
    pools the whole map to (..., 1, 1), as in image retrieval (Radenovic et al.). Inputs are clamped
    at ``eps`` so that fractional powers stay defined.
    """
    check_feature_map(x)
    check_number(p, "p", low=0.0, low_open=True)
    check_number(eps, "eps", low=0.0, low_open=True, tensor=False)
    kernel = tuple(x.shape[-2:]) if kernel_size is None else kernel_size
    if not torch.is_tensor(p) and math.isinf(p):  # the limit p -> inf: the window's maximum
        return max_pool2d(x.clamp(min=eps), kernel, stride)
    powered = x.clamp(min=eps).pow(p)
    return avg_pool2d(powered, kernel, stride).pow(1.0 / p)


class GeM(nn.Module):
    """Global GeM pooling with a learnable exponent ``p`` (N, C, H, W) -> (N, C, 1, 1)."""

    def __init__(self, p: float = 3.0, eps: float = 1e-6, learnable: bool = True):
        super().__init__()
        check_number(p, "p", low=0.0, low_open=True, tensor=False)
        check_number(eps, "eps", low=0.0, low_open=True, tensor=False)
        self.p = nn.Parameter(torch.tensor(float(p)), requires_grad=check_flag(learnable, "learnable"))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return gem_pool2d(x, self.p, eps=self.eps)


def mixed_pool2d(x: torch.Tensor, alpha: float | torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None,
                 padding: IntPair = 0) -> torch.Tensor:
    """Mixed max-average pooling: ``alpha * max_pool2d(x) + (1 - alpha) * avg_pool2d(x)``, alpha in [0, 1].

    A convex blend (Lee, Gallagher, Tu 2016): alpha = 1 is max pooling, alpha = 0 average pooling,
    and a constant input stays constant. (Adding the two, max + avg, doubles the scale instead.)
    """
    check_number(alpha, "alpha", low=0.0, high=1.0)
    maximum = max_pool2d(x, kernel_size, stride, padding)
    average = avg_pool2d(x, kernel_size, stride, padding)
    return alpha * maximum + (1 - alpha) * average


class MixedPool2d(nn.Module):
    """Mixed pooling with a fixed ``alpha``, or a learnable one (``alpha = sigmoid(logit)``, per layer)."""

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None, alpha: float = 0.5,
                 learnable: bool = False):
        super().__init__()
        geometry(kernel_size, stride, 0)
        check_number(alpha, "alpha", low=0.0, high=1.0, tensor=False)
        if check_flag(learnable, "learnable") and not 0 < alpha < 1:
            raise ValueError(f"alpha must be strictly between 0 and 1 to be learnable, got {alpha!r}")
        self.kernel_size, self.stride, self.learnable = kernel_size, stride, learnable
        if learnable:
            self.logit = nn.Parameter(torch.tensor(math.log(alpha / (1 - alpha))))
        else:
            self.register_buffer("fixed_alpha", torch.tensor(float(alpha)))

    @property
    def alpha(self) -> torch.Tensor:
        return torch.sigmoid(self.logit) if self.learnable else self.fixed_alpha

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return mixed_pool2d(x, self.alpha, self.kernel_size, self.stride)


def stochastic_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None, training: bool = True,
                      generator: torch.Generator | None = None) -> torch.Tensor:
    """Stochastic pooling (Zeiler and Fergus 2013) of a non-negative input, e.g. after a ReLU.

    Inside each window the activations define probabilities ``p_i = a_i / sum_j a_j``.
    Training: output one activation, sampled with those probabilities (so larger ones win more
    often). Evaluation: the probability-weighted average ``sum_i p_i a_i``, deterministic.
    A window of zeros gives 0. Pass a ``torch.Generator`` (on x's device) for reproducible samples.
    """
    windows = _window_values(x, kernel_size, stride)
    check_flag(training, "training")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator or None, got {generator!r}")
    # The sign check needs the values: not on a meta tensor, and not under vmap (no data-dependent
    # control flow there), where a negative input gives a meaningless but finite result instead.
    checkable = not x.is_meta and not torch._C._functorch.is_batchedtensor(x)
    if checkable and bool((windows < 0).any()):
        raise ValueError("x must be non-negative: stochastic pooling samples in proportion to activations "
                         "(apply a ReLU first)")
    total = windows.sum(dim=-1, keepdim=True)
    if not training:
        return (windows * windows / total.clamp(min=torch.finfo(x.dtype).tiny)).sum(dim=-1)
    # Zero windows sample uniformly among zeros, which outputs 0 as required.
    probs = torch.where(total > 0, windows, torch.ones_like(windows)).detach()
    choice = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1, generator=generator)
    return windows.gather(-1, choice.reshape(*windows.shape[:-1], 1)).squeeze(-1)


class StochasticPool2d(nn.Module):
    """Stochastic pooling: samples in ``train()`` mode, probability-weighted average in ``eval()`` mode."""

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None):
        super().__init__()
        geometry(kernel_size, stride, 0)
        self.kernel_size, self.stride = kernel_size, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return stochastic_pool2d(x, self.kernel_size, self.stride, training=self.training)


def soft_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None) -> torch.Tensor:
    """SoftPool (Stergiou, Poppe, Kalliatakis 2021): a softmax-weighted average of each window.

    ``y = sum_i softmax(a)_i * a_i``: between the window's mean and its maximum, closer to the maximum
    when one activation stands out; differentiable everywhere, with gradient for every input.
    """
    windows = _window_values(x, kernel_size, stride)
    return (windows.softmax(dim=-1) * windows).sum(dim=-1)


class SoftPool2d(nn.Module):
    """SoftPool as a layer (no parameters)."""

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None):
        super().__init__()
        geometry(kernel_size, stride, 0)
        self.kernel_size, self.stride = kernel_size, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return soft_pool2d(x, self.kernel_size, self.stride)
