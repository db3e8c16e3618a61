"""Small convolutional networks whose downsampling layer is a parameter, for the training lessons."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import torch
from torch import nn

from .antialias import MaxBlurPool2d

Downsample = str | Callable[[int], nn.Module]

DOWNSAMPLERS: dict[str, Callable[[int], nn.Module]] = {
    "max": lambda channels: nn.MaxPool2d(2),
    "avg": lambda channels: nn.AvgPool2d(2),
    "conv": lambda channels: nn.Conv2d(channels, channels, kernel_size=2, stride=2),
    "maxblur": lambda channels: MaxBlurPool2d(2, stride=2, filter_size=3),
}


def _downsampler(downsample: Downsample) -> Callable[[int], nn.Module] | None:
    if callable(downsample):
        return downsample
    if downsample in ("none", "strided"):
        return None
    if downsample not in DOWNSAMPLERS:
        raise ValueError(f"downsample must be one of {[*DOWNSAMPLERS, 'strided', 'none']} or a callable, "
                         f"got {downsample!r}")
    return DOWNSAMPLERS[downsample]


def lenet(downsample: Downsample = "max", *, channels: Sequence[int] = (10, 20), kernel_size: int = 5,
          hidden: int = 50, num_classes: int = 10, in_channels: int = 1, input_size: int = 28,
          downsample_after: int | None = None) -> nn.Sequential:
    """A LeNet-style classifier: blocks of conv -> ReLU -> downsample, then a two-layer dense head.

    ``downsample`` is ``"max"`` (``MaxPool2d(2)``), ``"avg"`` (``AvgPool2d(2)``), ``"conv"`` (a learned
    2x2 convolution with stride 2), ``"maxblur"`` (anti-aliased ``MaxBlurPool2d(2)``), ``"strided"`` (no
    extra layer: the block's own convolution gets stride 2, as in the all-convolutional net),
    ``"none"``, or a callable ``channels -> nn.Module`` for any other layer. ``downsample_after`` blocks (default: all)
    are followed by it. The dense head's input size is whatever the features produce for an
    ``input_size`` x ``input_size`` image, so removing the downsampling makes the head larger, as it
    would in practice.

    The defaults give the MNIST net of the course's seed article (conv 5x5 1->10, conv 5x5 10->20,
    dense 320->50->10: 21,840 parameters with max pooling). ``channels=(32, 64, 64), kernel_size=3,
    hidden=512, downsample_after=2`` gives Chollet's small convnet with a 512-unit head.

    Returns ``nn.Sequential(features=..., classifier=...)``.
    """
    if not channels or any(not isinstance(c, int) or c < 1 for c in channels):
        raise ValueError(f"channels must be a non-empty sequence of positive ints, got {channels!r}")
    for name, value in (("kernel_size", kernel_size), ("hidden", hidden), ("num_classes", num_classes),
                        ("in_channels", in_channels), ("input_size", input_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    downsample_after = len(channels) if downsample_after is None else downsample_after
    if not 0 <= downsample_after <= len(channels):
        raise ValueError(f"downsample_after must be between 0 and len(channels)={len(channels)}, "
                         f"got {downsample_after}")
    make_downsampler = _downsampler(downsample)

    layers: list[nn.Module] = []
    for block, (c_in, c_out) in enumerate(zip([in_channels, *channels], channels, strict=False)):
        downsamples = block < downsample_after
        stride = 2 if downsample == "strided" and downsamples else 1
        layers += [nn.Conv2d(c_in, c_out, kernel_size, stride=stride), nn.ReLU()]
        if make_downsampler is not None and downsamples:
            layers.append(make_downsampler(c_out))
    features = nn.Sequential(*layers)
    # The probe that sizes the head must not draw from the global RNG (a stochastic or fractional
    # downsampler would), or the head's initial weights would depend on the downsampler's draws.
    # In eval mode, so that it updates no running statistics (BatchNorm) either.
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        try:
            flat = features.eval()(torch.zeros(1, in_channels, input_size, input_size)).numel()
        except RuntimeError as err:
            raise ValueError(f"input_size={input_size} is too small for these layers: {err}") from err
        finally:
            features.train()
    classifier = nn.Sequential(nn.Flatten(), nn.Linear(flat, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))
    return nn.Sequential(OrderedDict(features=features, classifier=classifier))


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) parameters, the count Keras' ``summary()`` reports."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
