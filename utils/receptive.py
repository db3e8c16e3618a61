"""Receptive fields of conv/pool stacks: computed from the layer geometry, and measured by gradients.

Walking through the layers, each keeps two numbers per spatial dimension: the receptive field
``r`` (how many input pixels one unit sees) and the jump ``j`` (how many input pixels apart two
neighbouring units are). A layer with kernel ``k``, stride ``s`` and dilation ``d`` gives

    r_out = r_in + d * (k - 1) * j_in,        j_out = j_in * s,

starting from ``r = j = 1`` at the input. Element-wise layers (activations, normalisation,
dropout) change neither.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import NamedTuple

import torch
from torch import nn

from ._checks import pair

ELEMENTWISE = (nn.ReLU, nn.LeakyReLU, nn.GELU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.ELU, nn.Identity,
               nn.BatchNorm2d, nn.Dropout, nn.Dropout2d, nn.LocalResponseNorm)
POOLS = (nn.MaxPool2d, nn.AvgPool2d, nn.LPPool2d)


class ReceptiveField(NamedTuple):
    """Receptive field after one layer: size and jump as (height, width) pairs."""

    layer: str
    size: tuple[int, int]
    jump: tuple[int, int]


def _flatten(model: nn.Module | Iterable[nn.Module]) -> list[nn.Module]:
    modules = list(model) if not isinstance(model, nn.Module) else [model]
    flat: list[nn.Module] = []
    for module in modules:
        if isinstance(module, nn.Sequential):
            flat += _flatten(list(module))
        else:
            flat.append(module)
    return flat


def _geometry(module: nn.Module) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(kernel, stride, dilation) of a spatial layer."""
    if isinstance(module, nn.Conv2d):
        return pair(module.kernel_size, "kernel_size"), pair(module.stride, "stride"), pair(module.dilation, "dilation")
    kernel = pair(module.kernel_size, "kernel_size")
    stride = kernel if module.stride is None else pair(module.stride, "stride")
    dilation = pair(getattr(module, "dilation", 1), "dilation")
    return kernel, stride, dilation


def receptive_fields(model: nn.Module | Iterable[nn.Module]) -> list[ReceptiveField]:
    """The receptive field after every spatial layer of ``model`` (nested ``nn.Sequential`` is unrolled).

    Supports ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, ``LPPool2d`` and element-wise layers; any other
    layer (``Flatten``, ``Linear``, adaptive pooling...) raises ValueError, since its receptive field is
    not a fixed window.
    """
    size, jump = (1, 1), (1, 1)
    table = []
    for index, module in enumerate(_flatten(model)):
        if isinstance(module, ELEMENTWISE):
            continue
        if not isinstance(module, (nn.Conv2d, *POOLS)):
            raise ValueError(f"model must hold only conv, pooling and element-wise layers; layer {index} is "
                             f"{type(module).__name__}, whose receptive field is not a fixed window")
        kernel, stride, dilation = _geometry(module)
        size = tuple(size[i] + dilation[i] * (kernel[i] - 1) * jump[i] for i in range(2))
        jump = tuple(jump[i] * stride[i] for i in range(2))
        table.append(ReceptiveField(f"{index}: {type(module).__name__}", size, jump))
    if not table:
        raise ValueError("model must contain at least one conv or pooling layer")
    return table


def receptive_field(model: nn.Module | Iterable[nn.Module]) -> tuple[int, int]:
    """(height, width) of the input window one output unit of ``model`` depends on."""
    return receptive_fields(model)[-1].size


def _connectivity_copy(model: nn.Module | Iterable[nn.Module]) -> nn.Sequential:
    """A copy in which every connection carries a positive weight, so gradients reveal connectivity.

    Conv weights become 1/fan-in and biases 0; max and Lp pools become average pools over the same
    windows (a max sends gradient to one cell only, which would hide the rest of the window).
    """
    layers = []
    for module in _flatten(model):
        module = copy.deepcopy(module)
        if isinstance(module, nn.Conv2d):
            with torch.no_grad():
                module.weight.fill_(1.0 / module.weight[0].numel())
                if module.bias is not None:
                    module.bias.zero_()
        elif isinstance(module, (nn.MaxPool2d, nn.LPPool2d)):
            kernel, stride, dilation = _geometry(module)
            if dilation != (1, 1):
                raise ValueError("gradient_footprint does not support dilated pooling layers")
            module = nn.AvgPool2d(kernel, stride, getattr(module, "padding", 0), ceil_mode=module.ceil_mode)
        layers.append(module)
    return nn.Sequential(*layers).eval()


def gradient_footprint(model: nn.Module | Iterable[nn.Module], input_size: int | tuple[int, int],
                       unit: tuple[int, int] | None = None, in_channels: int | None = None) -> torch.Tensor:
    """Boolean (H, W) mask of the input pixels that can influence one output unit of ``model``.

    Measured, not computed: the gradient of output channel 0 at ``unit`` (default: the centre of
    the output map) with respect to an all-ones input, through a copy of the model in which every
    connection is positive (see ``_connectivity_copy``). Its bounding box is the receptive field
    that :func:`receptive_field` predicts, cut off where it reaches the image border.
    """
    layers = _flatten(model)
    receptive_fields(layers)  # validates the layer types
    first_conv = next((m for m in layers if isinstance(m, nn.Conv2d)), None)
    channels = in_channels or (first_conv.in_channels if first_conv is not None else 1)
    height, width = pair(input_size, "input_size")
    probe = _connectivity_copy(layers)
    device = next((param.device for param in probe.parameters()), torch.device("cpu"))
    x = torch.ones(1, channels, height, width, device=device, requires_grad=True)
    try:
        out = probe(x)
    except RuntimeError as err:
        raise ValueError(f"input_size={input_size} is too small for this model: {err}") from err
    unit = unit if unit is not None else (out.shape[-2] // 2, out.shape[-1] // 2)
    if not (0 <= unit[0] < out.shape[-2] and 0 <= unit[1] < out.shape[-1]):
        raise ValueError(f"unit must lie inside the output map {tuple(out.shape[-2:])}, got {unit}")
    out[0, 0, unit[0], unit[1]].backward()
    return x.grad[0].abs().sum(0).cpu() > 0


def footprint_box(mask: torch.Tensor) -> tuple[int, int]:
    """(height, width) of the smallest rectangle that holds every True cell of a 2-D mask."""
    rows, cols = mask.nonzero(as_tuple=True)
    if rows.numel() == 0:
        raise ValueError("mask must contain at least one True cell")
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
