import itertools

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from strategies import as_pair, pool_configs

import utils


def torch_pool_shape(size, kernel_size, stride, padding, dilation, ceil_mode):
    """The output (H, W) torch produces, or None where torch rejects the configuration."""
    try:
        out = F.max_pool2d(torch.zeros(1, 1, *size), kernel_size, stride, padding, dilation, ceil_mode)
    except RuntimeError:
        return None
    return tuple(out.shape[-2:])


def test_pool_output_size_matches_torch_on_a_full_grid(torch_checks):
    checked = changed_by_ceil_rule = 0
    for size, k, s, p, d, ceil in itertools.product(range(1, 13), range(1, 6), range(1, 5), range(3), range(1, 3),
                                                    (False, True)):
        expected = torch_pool_shape((size, 1), (k, 1), (s, 1), (p, 0), (d, 1), ceil)
        if expected is None:
            with pytest.raises(ValueError):
                utils.pool_output_size(size, k, s, p, d, ceil)
            continue
        assert utils.pool_output_size(size, k, s, p, d, ceil) == expected[0], (size, k, s, p, d, ceil)
        checked += 1
        naive = -(-(size + 2 * p - d * (k - 1) - 1) // s) + 1
        changed_by_ceil_rule += ceil and naive != expected[0]
    torch_checks["pool_output_size grid"] += checked
    assert checked > 1500
    assert changed_by_ceil_rule > 0  # the "last window starts inside" rule is exercised


@settings(max_examples=1500)
@given(pool_configs())
def test_pool_output_shape_matches_torch(torch_checks, config):
    expected = torch_pool_shape(config["size"], config["kernel_size"], config["stride"], config["padding"],
                                config["dilation"], config["ceil_mode"])
    torch_checks["pool_output_shape"] += 1
    if expected is None:
        with pytest.raises(ValueError):
            utils.pool_output_shape(config["size"], config["kernel_size"], config["stride"], config["padding"],
                                    config["dilation"], config["ceil_mode"])
    else:
        assert utils.pool_output_shape(config["size"], config["kernel_size"], config["stride"], config["padding"],
                                       config["dilation"], config["ceil_mode"]) == expected


def test_stride_defaults_to_kernel_size():
    assert utils.pool_output_size(12, 3) == utils.pool_output_size(12, 3, stride=3) == 4
    assert utils.pool_output_shape((12, 10), (3, 2)) == (4, 5)


def test_ceil_mode_drops_a_window_that_would_start_in_the_right_padding():
    assert utils.pool_output_size(5, 2, 2, padding=1, ceil_mode=True) == 3
    assert utils.pool_output_size(7, 3, ceil_mode=True) == 3
    assert utils.pool_output_size(7, 3, ceil_mode=False) == 2


def test_conv_output_size_matches_conv2d():
    for size, k, s, p, d in itertools.product(range(1, 12), range(1, 6), range(1, 4), range(3), range(1, 3)):
        if d * (k - 1) + 1 > size + 2 * p:
            with pytest.raises(ValueError, match="kernel_size"):
                utils.conv_output_size(size, k, s, p, d)
            continue
        out = F.conv2d(torch.zeros(1, 1, size, 1), torch.zeros(1, 1, k, 1), stride=(s, 1), padding=(p, 0),
                       dilation=(d, 1))
        assert utils.conv_output_size(size, k, s, p, d) == out.shape[2]


def test_window_positions_follow_stride_padding_and_dilation():
    assert utils.window_positions(0, 3) == [0, 1, 2]
    assert utils.window_positions(1, 3) == [3, 4, 5]
    assert utils.window_positions(0, 2, stride=2, padding=1) == [-1, 0]
    assert utils.window_positions(2, 2, stride=1, dilation=3) == [2, 5]


def test_window_positions_agree_with_the_shape_formula():
    for size, k, s, p, d in itertools.product(range(1, 10), range(1, 4), range(1, 3), range(2), range(1, 3)):
        if 2 * p > k or d * (k - 1) + 1 > size + 2 * p:
            continue
        out = utils.pool_output_size(size, k, s, p, d)
        last = utils.window_positions(out - 1, k, s, p, d)
        assert last[-1] <= size - 1 + p  # floor mode never reads beyond the right padding
        assert utils.window_positions(out, k, s, p, d)[-1] > size - 1 + p


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: utils.pool_output_size(5, 3, padding=2), r"padding.*must be at most half of kernel_size"),
        (lambda: utils.pool_output_size(2, 5, padding=1), "kernel_size.*spans 5"),
        (lambda: utils.pool_output_size(5, 0), "kernel_size must be >= 1"),
        (lambda: utils.pool_output_size(5, 2, stride=0), "stride must be >= 1"),
        (lambda: utils.pool_output_size(5, 2, padding=-1), "padding must be >= 0"),
        (lambda: utils.pool_output_size(5, 2, dilation=0), "dilation must be >= 1"),
        (lambda: utils.pool_output_size(0, 2), "size must be >= 1"),
        (lambda: utils.pool_output_size(5.0, 2), "size must be an int"),
        (lambda: utils.pool_output_shape((5, 5), (2, 2, 2)), "kernel_size must be an int or a pair"),
        (lambda: utils.pool_output_shape((5, 5), True), "kernel_size must be an int or a pair"),
        (lambda: utils.pool_output_shape((5, 6), (2, 3), padding=(1, 2)), r"padding \(width\)"),
        (lambda: utils.conv_output_size(5, 2, stride=0), "stride must be >= 1"),
    ],
)
def test_bad_arguments_raise_value_errors_that_name_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_as_pair_helper():
    assert as_pair(3) == (3, 3) and as_pair((1, 2)) == (1, 2)
