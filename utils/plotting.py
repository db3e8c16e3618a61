"""Figures used across lessons: annotated grids with highlighted windows, and image galleries."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ._checks import IntPair, pair
from .shapes import pool_output_shape, window_positions

Cell = tuple[int, int]
WINDOW_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:pink")


def _as_array(values) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        # numpy has no bfloat16 (nor half on every platform): plot in float64
        values = values.detach().cpu().double().numpy()
    array = np.asarray(values, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"values must be 2-D (H, W), got shape {array.shape}")
    return array


def _label(value: float, fmt: str) -> str:
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "−∞" if value < 0 else "∞"
    return fmt.format(value)


def plot_grid(values, ax: Axes | None = None, *, title: str | None = None,
              highlight: Sequence[Sequence[Cell]] = (), colors: Sequence[str] = WINDOW_COLORS,
              fmt: str = "{:g}", origin: Cell = (0, 0), cmap: str = "Blues", blank=None) -> Axes:
    """Draw a 2-D array as a grid of shaded cells with their values written in.

    ``highlight`` is a list of cell groups; group ``g`` is outlined in ``colors[g]``. Cells are
    given in the array's own row/column coordinates; ``origin`` shifts the tick labels (e.g.
    ``(-1, -1)`` for an array that starts with one row and column of padding).
    Infinite and NaN cells are shown grey with a symbol instead of a number. Cells where the boolean
    array ``blank`` is True are drawn hatched and empty (positions outside the input that no value
    occupies, such as the overhang of a ceil_mode window).
    """
    array = _as_array(values)
    blank = np.zeros(array.shape, dtype=bool) if blank is None else np.asarray(blank, dtype=bool)
    ax = ax or plt.subplots(figsize=(0.55 * array.shape[1] + 1, 0.55 * array.shape[0] + 1))[1]
    finite = np.where(np.isfinite(array), array, np.nan)
    ax.imshow(np.ma.masked_invalid(finite), cmap=cmap, vmin=np.nanmin(finite) if np.isfinite(finite).any() else 0,
              vmax=(np.nanmax(finite) if np.isfinite(finite).any() else 1) * 1.6)
    for (r, c), value in np.ndenumerate(array):
        if blank[r, c]:
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fc="white", ec="0.7", hatch="//", zorder=1))
            continue
        if not np.isfinite(value):
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, color="0.85", zorder=1))
        ax.text(c, r, _label(value, fmt), ha="center", va="center", fontsize=11, zorder=3)
    for g, cells in enumerate(highlight):
        color = colors[g % len(colors)]
        for r, c in cells:
            ax.add_patch(Rectangle((c - 0.45, r - 0.45), 0.9, 0.9, fill=False, lw=2.5, ec=color, zorder=4))
    ax.set_xticks(range(array.shape[1]), [str(c + origin[1]) for c in range(array.shape[1])])
    ax.set_yticks(range(array.shape[0]), [str(r + origin[0]) for r in range(array.shape[0])])
    ax.set_xlim(-0.5, array.shape[1] - 0.5)
    ax.set_ylim(array.shape[0] - 0.5, -0.5)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    if title:
        ax.set_title(title)
    return ax


def plot_pooling(x, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
                 dilation: IntPair = 1, ceil_mode: bool = False, *, windows: Sequence[Cell] | None = None,
                 mode: str = "max", fmt: str = "{:g}") -> Figure:
    """Show where pooling windows land on a 2-D input and which output cell each one produces.

    Left: the input with its padding (``-inf`` for max, ``0`` for average) and, with ceil_mode, the
    cells a partial window hangs over (hatched: they are never read). Right: the output computed
    with ``utils.max_pool2d`` / ``utils.avg_pool2d``. Each window in ``windows`` (output coordinates,
    default: all of them, up to 7) is outlined in one colour on both sides.
    """
    from .pooling import avg_pool2d, max_pool2d

    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    grid = torch.as_tensor(_as_array(x))
    kernel, pads, dils = pair(kernel_size, "kernel_size"), pair(padding, "padding"), pair(dilation, "dilation")
    strides = kernel if stride is None else pair(stride, "stride")
    if mode == "avg" and dils != (1, 1):
        raise ValueError(f"dilation must be 1 for average pooling, got {dilation!r}")
    out_hw = pool_output_shape(tuple(grid.shape), kernel, strides, pads, dils, ceil_mode)
    pool_args = dict(kernel_size=kernel, stride=strides, padding=pads, ceil_mode=ceil_mode)
    if mode == "max":
        out = max_pool2d(grid[None], dilation=dils, **pool_args)[0]
    else:
        out = avg_pool2d(grid[None], **pool_args)[0]

    rows = [window_positions(i, kernel[0], strides[0], pads[0], dils[0]) for i in range(out_hw[0])]
    cols = [window_positions(j, kernel[1], strides[1], pads[1], dils[1]) for j in range(out_hw[1])]
    # Canvas: from the top-left padding to the farthest cell any window reaches.
    last = (max(max(r) for r in rows) + 1, max(max(c) for c in cols) + 1)
    extent = (max(last[0], grid.shape[0] + pads[0]) + pads[0], max(last[1], grid.shape[1] + pads[1]) + pads[1])
    canvas = np.full(extent, np.nan)
    canvas[: grid.shape[0] + 2 * pads[0], : grid.shape[1] + 2 * pads[1]] = -np.inf if mode == "max" else 0.0
    canvas[pads[0] : pads[0] + grid.shape[0], pads[1] : pads[1] + grid.shape[1]] = grid.numpy()

    chosen = list(windows) if windows is not None else [(i, j) for i in range(out_hw[0]) for j in range(out_hw[1])][:7]
    for i, j in chosen:
        if not (0 <= i < out_hw[0] and 0 <= j < out_hw[1]):
            raise ValueError(f"windows must be output positions inside {out_hw}, got {(i, j)}")
    groups = [[(r + pads[0], c + pads[1]) for r in rows[i] for c in cols[j]] for i, j in chosen]

    width_ratio = extent[1] / max(out_hw[1], 1)
    fig, (ax_in, ax_out) = plt.subplots(
        1, 2, figsize=(0.55 * (extent[1] + out_hw[1]) + 3, 0.55 * max(extent[0], out_hw[0]) + 1.6),
        gridspec_kw={"width_ratios": [width_ratio, 1]},
    )
    plot_grid(canvas, ax_in, highlight=groups, fmt=fmt, origin=(-pads[0], -pads[1]), blank=np.isnan(canvas),
              title=f"input {tuple(grid.shape)} with padding {pads}")
    plot_grid(out.numpy(), ax_out, highlight=[[cell] for cell in chosen], fmt=fmt,
              title=f"{mode} pool output {tuple(out_hw)}")
    fig.suptitle(f"kernel_size={kernel}, stride={strides}, padding={pads}, dilation={dils}, ceil_mode={ceil_mode}")
    fig.tight_layout()
    return fig


def show_images(images: Sequence, titles: Sequence[str] | None = None, *, ncols: int | None = None,
                suptitle: str | None = None, cmap: str = "gray", size: float = 3.0,
                vmin: float | None = None, vmax: float | None = None) -> Figure:
    """A gallery of images, each (H, W), (1, H, W) or (3, H, W) tensor/array, in [0, 1] or any range.

    Axis ticks stay on so the pixel dimensions of each image are visible: the point when the
    gallery compares an image with its pooled versions. Grey images are stretched to their own
    range unless ``vmin``/``vmax`` fix it (e.g. 0 and 1, to compare brightness across images).
    Default titles give the size as height x width, the order of a tensor's shape.
    """
    images = list(images)
    if not images:
        raise ValueError("images must contain at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image: {len(titles)} titles for {len(images)} images")
    ncols = ncols or min(len(images), 4)
    nrows = math.ceil(len(images) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(images):
            ax.axis("off")
            continue
        img = images[k]
        img = img.detach().float().cpu().numpy() if isinstance(img, torch.Tensor) else np.asarray(img, dtype=float)
        if img.ndim == 3 and img.shape[0] in (1, 3):
            img = img[0] if img.shape[0] == 1 else img.transpose(1, 2, 0).clip(0, 1)
        if img.ndim not in (2, 3):
            raise ValueError(f"images[{k}] must be (H, W), (1, H, W) or (3, H, W), got shape {img.shape}")
        ax.imshow(img, cmap=cmap if img.ndim == 2 else None, interpolation="nearest", vmin=vmin, vmax=vmax)
        ax.set_title(titles[k] if titles else f"{img.shape[0]}x{img.shape[1]}")
        ax.set_xlabel(f"width: {img.shape[1]} px")
        ax.set_ylabel(f"height: {img.shape[0]} px")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_history(histories: dict, metric: str = "test_acc", *, ax: Axes | None = None,
                 title: str | None = None) -> Axes:
    """Training curves: one line per run, ``metric`` of each ``utils.History`` against the epoch.

    ``histories`` maps a label to a History, or to a list of Histories (several seeds), which are
    drawn as their mean with a band from the lowest to the highest run.
    """
    labels = {"test_acc": "test accuracy", "train_acc": "training accuracy", "train_loss": "training loss",
              "seconds": "seconds per epoch"}
    if metric not in labels:
        raise ValueError(f"metric must be one of {list(labels)}, got {metric!r}")
    if not histories:
        raise ValueError("histories must contain at least one run")
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for label, runs in histories.items():
        runs = runs if isinstance(runs, list | tuple) else [runs]
        curves = np.array([getattr(run, metric) for run in runs], dtype=float)
        if curves.size == 0:
            raise ValueError(f"histories[{label!r}] has no {metric} values")
        epochs = np.arange(1, curves.shape[1] + 1)
        line, = ax.plot(epochs, curves.mean(0), marker="o", label=label)
        if len(runs) > 1:
            ax.fill_between(epochs, curves.min(0), curves.max(0), color=line.get_color(), alpha=0.2)
    ax.set_xlabel("epoch")
    ax.set_ylabel(labels[metric])
    ax.set_xticks(epochs)
    ax.set_title(title or f"{labels[metric]} per epoch")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def format_table(rows: Sequence[dict], formats: dict[str, str] | None = None) -> str:
    """A plain-text table of ``rows`` (dicts with the same keys), columns aligned, for ``print``.

    ``formats`` maps a column to a format spec, e.g. ``{"accuracy": ".3f", "params": ",d"}``.
    """
    if not rows:
        raise ValueError("rows must contain at least one row")
    columns = list(rows[0])
    if any(list(row) != columns for row in rows):
        raise ValueError(f"rows must all have the columns {columns}")
    formats = formats or {}
    unknown = set(formats) - set(columns)
    if unknown:
        raise ValueError(f"formats names columns that rows do not have: {sorted(unknown)}")
    cells = [[format(row[c], formats.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def line(values):
        padded = [v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))]
        return "  ".join(padded)

    return "\n".join([line(columns), "  ".join("-" * w for w in widths), *(line(r) for r in cells)])


def plot_seeds(scores: dict, *, ax: Axes | None = None, title: str | None = None,
               ylabel: str = "test accuracy") -> Axes:
    """Per-seed results of several contenders: a dot per seed, the mean with its 95% interval.

    ``scores`` maps a contender to one value per seed, in the same seed order for all (as for
    ``utils.compare``); thin grey lines join each seed across contenders, so a paired difference
    that is consistent over seeds shows as lines that all slope the same way.
    """
    from .experiments import _scores, summarize

    values = _scores(scores)
    ax = ax or plt.subplots(figsize=(1.4 * len(values) + 2.5, 4))[1]
    names = list(values)
    table = np.array([values[name] for name in names])  # contenders x seeds
    positions = np.arange(len(names))
    for seed_values in table.T:
        ax.plot(positions, seed_values, color="0.75", linewidth=0.8, zorder=1)
    for x, name in zip(positions, names, strict=True):
        s = summarize(values[name])
        ax.scatter(np.full(len(values[name]), x), values[name], s=18, color="C0", zorder=2,
                   label="one seed" if x == 0 else None)
        ax.errorbar(x + 0.15, s.mean, yerr=[[s.mean - s.ci95[0]], [s.ci95[1] - s.mean]], fmt="D", color="C3",
                    capsize=4, zorder=3, label="mean, 95% interval" if x == 0 else None)
    ax.set_xticks(positions, names)
    ax.set_xlim(-0.5, len(names) - 0.5)
    ax.set_xlabel("contender")
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{ylabel} over {table.shape[1]} seeds")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return ax
