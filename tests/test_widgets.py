"""The interactive pooling explorer: its summary follows the sliders, and refusals are explained."""

import base64
import html

import matplotlib.pyplot as plt
import pytest
import torch

import utils


def test_describe_pooling_draws_valid_configurations_and_explains_refusals():
    grid = torch.arange(1.0, 43.0).reshape(6, 7)
    figure, text = utils.describe_pooling(grid, 3, 2, 1, 1, False)
    assert figure is not None and text == "6x7 input -> 3x4 output"
    plt.close(figure)
    figure, text = utils.describe_pooling(grid, 2, 2, 0, 1, True)
    assert text.endswith("3x4 output")
    plt.close(figure)
    figure, text = utils.describe_pooling(grid, 2, 1, 2, 1, False)
    assert figure is None and "refuses" in text and "padding" in text


def test_explorer_summary_follows_the_controls():
    box = utils.pooling_explorer()
    assert box.text == "6x7 input -> 3x4 output"
    assert bytes(box.canvas.value).startswith(b"\x89PNG")
    kernel, stride, padding = box.children[0].children
    dilation, ceil_mode = box.children[1].children
    padding.value = 0
    assert box.text == "6x7 input -> 2x3 output"
    ceil_mode.value = True
    assert box.text == "6x7 input -> 3x3 output"
    dilation.value = 3  # a 3x3 window with dilation 3 spans 7 rows; the input has 6
    assert box.text == "6x7 input -> 1x1 output"  # ceil_mode keeps the one partial window
    ceil_mode.value = False
    assert "refuses" in box.text and box.canvas.layout.display == "none"
    kernel.value, stride.value = 1, 1
    assert box.text == "6x7 input -> 6x7 output"
    plt.close("all")


def test_explorer_for_average_pooling_has_no_dilation():
    box = utils.pooling_explorer(torch.ones(4, 4), mode="avg")
    assert box.children[1].children[0].disabled
    assert box.text == "4x4 input -> 2x2 output"
    plt.close("all")


def test_explorer_wraps_a_refusal_and_shows_a_static_figure_without_a_kernel():
    box = utils.pooling_explorer()
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live: the widget
    assert bundle["text/plain"] == "6x7 input -> 3x4 output"  # static renders: the summary and the figure
    assert base64.b64decode(bundle["image/png"]) == bytes(box.canvas.value)
    padding = box.children[0].children[2]
    padding.value, box.children[0].children[0].value = 2, 1  # padding 2 with a 1x1 window: refused
    assert "refuses" in box.text and "image/png" not in box._repr_mimebundle_()
    assert html.unescape(box.summary.value).endswith(box.text + "</div>") and "white-space: normal" in box.summary.value
    plt.close("all")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mode": "min"}, "mode must be"),
    ({"max_kernel": 0}, "max_kernel must be a positive int"),
    ({"x": torch.ones(2, 3, 3)}, "x must be a 2-D grid"),
])
def test_explorer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        utils.pooling_explorer(**kwargs)
