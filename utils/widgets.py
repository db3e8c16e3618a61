"""An interactive explorer of pooling windows, for a live Jupyter kernel (ipywidgets).

Sliders set kernel size, stride, padding and dilation, a checkbox sets ceil_mode; the figure of
:func:`utils.plot_pooling` and the output shape are redrawn at every change, and configurations
that PyTorch refuses show the reason instead.

Where no kernel runs the widget (a notebook on GitHub, the course website, the slides), the cell
shows the figure and the summary of the settings it was left at: the explorer offers them as PNG and
plain text next to the live widget.
"""

from __future__ import annotations

import base64
import functools
import html
import io

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from .plotting import plot_pooling
from .shapes import pool_output_shape


def describe_pooling(x: torch.Tensor, kernel_size: int, stride: int, padding: int, dilation: int,
                     ceil_mode: bool, mode: str = "max") -> tuple[Figure | None, str]:
    """The explorer's view of one configuration: the window figure and a one-line summary.

    For a configuration torch rejects, no figure and the reason (the ``ValueError`` message of
    :func:`utils.pool_output_shape`).
    """
    height, width = x.shape[-2:]
    try:
        out_h, out_w = pool_output_shape((height, width), kernel_size, stride, padding, dilation, ceil_mode)
        figure = plot_pooling(x, kernel_size, stride, padding, dilation, ceil_mode, mode=mode)
    except ValueError as err:
        return None, f"{height}x{width} input: PyTorch refuses this configuration. {err}"
    return figure, f"{height}x{width} input -> {out_h}x{out_w} output"


@functools.cache
def _explorer_type() -> type:
    import ipywidgets as widgets

    class PoolingExplorer(widgets.VBox):
        """The explorer's box: ``text`` is the current summary, ``summary`` the widget that shows it
        (wrapped) and ``canvas`` the figure's image."""

        text = ""

        def _repr_mimebundle_(self, **kwargs) -> dict:
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle["text/plain"] = self.text
            if self.canvas.layout.display != "none" and self.canvas.value:
                bundle["image/png"] = base64.b64encode(bytes(self.canvas.value)).decode("ascii")
            return bundle

    return PoolingExplorer


def pooling_explorer(x: torch.Tensor | None = None, *, mode: str = "max", max_kernel: int = 5):
    """A widget to explore where pooling windows land; display it in a notebook cell.

    ``x``: a 2-D grid (default: the numbers 1..42 on a 6x7 grid). ``mode``: ``"max"`` or ``"avg"``
    (average pooling has no dilation; its slider is then fixed at 1). Returns an ``ipywidgets.VBox``
    whose ``text`` attribute is the current summary (the output shape, or why PyTorch refuses the
    settings) and ``canvas`` the image of the windows.
    """
    import ipywidgets as widgets

    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    if not isinstance(max_kernel, int) or max_kernel < 1:
        raise ValueError(f"max_kernel must be a positive int, got {max_kernel!r}")
    grid = torch.arange(1.0, 43.0).reshape(6, 7) if x is None else torch.as_tensor(x, dtype=torch.float32)
    if grid.dim() != 2:
        raise ValueError(f"x must be a 2-D grid (H, W), got shape {tuple(grid.shape)}")

    controls = {
        "kernel_size": widgets.IntSlider(value=min(3, max_kernel), min=1, max=max_kernel, description="kernel"),
        "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride"),
        "padding": widgets.IntSlider(value=1, min=0, max=(max_kernel + 1) // 2, description="padding"),
        "dilation": widgets.IntSlider(value=1, min=1, max=3, description="dilation", disabled=mode == "avg"),
        "ceil_mode": widgets.Checkbox(value=False, description="ceil_mode"),
    }
    # HTML, not a Label: a Label cuts a long refusal off at its width, this wraps it
    summary = widgets.HTML()
    # The figure is shown as a PNG in an Image widget: no captured output, so the widget also
    # behaves when a notebook is executed headless (nbconvert, nbval).
    canvas = widgets.Image(format="png")
    box = _explorer_type()([widgets.HBox(list(controls.values())[:3]), widgets.HBox(list(controls.values())[3:]),
                            summary, canvas])
    box.summary, box.canvas = summary, canvas

    def redraw(**settings) -> None:
        figure, box.text = describe_pooling(grid, **settings, mode=mode)
        summary.value = f'<div style="white-space: normal; max-width: 48em">{html.escape(box.text)}</div>'
        if figure is None:
            canvas.layout.display = "none"
            return
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        plt.close(figure)
        canvas.value = buffer.getvalue()
        canvas.layout.display = None

    widgets.interactive_output(redraw, controls)
    return box
