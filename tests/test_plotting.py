"""The figure helpers draw what they claim: cells, highlights, padding, hatched overhang, galleries."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

import utils

SEED_INPUT = torch.tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def outlines(ax, colour=None):
    boxes = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    return boxes if colour is None else [p for p in boxes if p.get_edgecolor()[:3] == to_rgb(colour)]


def test_plot_grid_writes_every_value_and_outlines_highlights():
    ax = utils.plot_grid(SEED_INPUT, highlight=[[(0, 0), (0, 1)], [(4, 4)]], title="seed")
    assert texts(ax) == [str(v) for v in SEED_INPUT.flatten().tolist()]
    assert len(outlines(ax, "tab:red")) == 2 and len(outlines(ax, "tab:blue")) == 1
    assert ax.get_title() == "seed" and ax.get_xlabel() == "column" and ax.get_ylabel() == "row"


def test_plot_grid_marks_infinite_and_blank_cells():
    values = np.array([[-np.inf, 1.0], [np.nan, 2.0]])
    ax = utils.plot_grid(values, blank=[[False, False], [True, False]])
    assert texts(ax) == ["−∞", "1", "2"]
    assert sum(p.get_hatch() == "//" for p in ax.patches) == 1


def test_plot_grid_rejects_non_2d_values():
    with pytest.raises(ValueError, match="values must be 2-D"):
        utils.plot_grid(np.zeros((2, 2, 2)))


def test_plot_pooling_shows_the_seed_example_with_ceil_mode():
    fig = utils.plot_pooling(SEED_INPUT, 3, ceil_mode=True)
    ax_in, ax_out = fig.axes
    assert texts(ax_out) == ["2", "3", "5", "1"]
    # The input canvas is 6x6: ceil_mode windows hang one row and one column past the 5x5 input.
    assert sum(p.get_hatch() == "//" for p in ax_in.patches) == 11
    assert len(outlines(ax_in)) == 4 * 9  # each window outlined in full, overhang included
    assert len(outlines(ax_out)) == 4
    assert "ceil_mode=True" in fig._suptitle.get_text()


def test_plot_pooling_draws_minus_infinity_padding_for_max_and_zero_for_avg():
    x = torch.ones(3, 3)
    max_in = utils.plot_pooling(x, 2, stride=1, padding=1).axes[0]
    avg_in = utils.plot_pooling(x, 2, stride=1, padding=1, mode="avg").axes[0]
    assert texts(max_in).count("−∞") == 16 and texts(avg_in).count("0") == 16


def test_plot_pooling_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        utils.plot_pooling(SEED_INPUT, 2, mode="min")
    with pytest.raises(ValueError, match="windows"):
        utils.plot_pooling(SEED_INPUT, 2, windows=[(5, 0)])
    with pytest.raises(ValueError, match="dilation"):
        utils.plot_pooling(SEED_INPUT, 2, dilation=2, mode="avg")


def test_show_images_titles_and_sizes():
    images = [torch.rand(3, 8, 6), torch.rand(1, 4, 3), np.zeros((5, 5))]
    fig = utils.show_images(images, ["a", "b", "c"], ncols=2, suptitle="gallery")
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in shown] == ["a", "b", "c"]
    assert shown[0].get_xlabel() == "width: 6 px" and shown[0].get_ylabel() == "height: 8 px"
    assert len(fig.axes) == 4 and not fig.axes[3].axison
    fixed = utils.show_images([torch.full((4, 6), 0.5)], vmin=0, vmax=1)
    assert fixed.axes[0].images[0].get_clim() == (0, 1) and fixed.axes[0].get_title() == "4x6"


def test_show_images_rejects_bad_input():
    with pytest.raises(ValueError, match="images must contain"):
        utils.show_images([])
    with pytest.raises(ValueError, match="titles must have one entry per image"):
        utils.show_images([torch.rand(4, 4)], ["a", "b"])
    with pytest.raises(ValueError, match=r"images\[0\]"):
        utils.show_images([torch.rand(2, 3, 4, 4)])


def test_format_table_aligns_and_formats_columns():
    text = utils.format_table([dict(model="max", params=21840, acc=0.91234), dict(model="none", params=5, acc=0.9)],
                              {"params": ",d", "acc": ".3f"})
    assert text.splitlines() == ["model  params    acc", "-----  ------  -----", "max    21,840  0.912",
                                 "none        5  0.900"]
    with pytest.raises(ValueError, match="rows must all have"):
        utils.format_table([dict(a=1), dict(b=2)])
    with pytest.raises(ValueError, match="formats names columns"):
        utils.format_table([dict(a=1)], {"b": "d"})


def test_plot_history_draws_a_band_for_several_seeds():
    runs = [utils.History(test_acc=[0.5, 0.7]), utils.History(test_acc=[0.6, 0.9])]
    ax = utils.plot_history({"max": runs, "single": runs[0]})
    assert [line.get_label() for line in ax.get_lines()] == ["max", "single"]
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx([0.55, 0.8])
    assert len(ax.collections) == 1 and ax.get_ylabel() == "test accuracy" and ax.get_xlabel() == "epoch"
    with pytest.raises(ValueError, match="metric"):
        utils.plot_history({"a": runs[0]}, metric="f1")
    with pytest.raises(ValueError, match="no train_loss values"):
        utils.plot_history({"a": runs[0]}, metric="train_loss")
    plt.close("all")


def test_plot_seeds_draws_every_seed_and_joins_pairs():
    ax = utils.plot_seeds({"max": [0.9, 0.92, 0.91], "avg": [0.8, 0.85, 0.82]}, title="race")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["max", "avg"]
    assert ax.get_title() == "race" and ax.get_ylabel() == "test accuracy"
    assert len(ax.lines) >= 3  # one grey line per seed, plus the error bars
    plt.close(ax.figure)
