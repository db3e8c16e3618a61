"""utils' measuring helpers: time_call, peak_memory, copy_bandwidth."""

import pytest
import torch
import torch.nn.functional as F

import utils


def test_time_call_returns_the_best_of_several_runs():
    calls = []
    seconds = utils.time_call(lambda: calls.append(1), repeat=4, warmup=2)
    assert len(calls) == 6 and 0 <= seconds < 0.1


def test_peak_memory_counts_new_storage_not_views_or_inputs():
    x = torch.zeros(4, 8, 16, 16)  # 32 KiB
    assert utils.peak_memory(lambda: x.unfold(-2, 2, 2).unfold(-2, 2, 2), x) == 0  # views only
    assert utils.peak_memory(lambda: x + 1, x) == x.nbytes
    # A temporary that dies before the result is born still counts towards the peak while it lives.
    assert utils.peak_memory(lambda: (x * 2).sum(), x) == x.nbytes + 4
    windows = lambda: x.unfold(-2, 2, 2).unfold(-2, 2, 2).reshape(4, 8, 8, 8, 4).amax(-1)  # noqa: E731
    assert utils.peak_memory(windows, x) == x.nbytes + x.nbytes // 4  # the copied windows, then the output
    assert utils.peak_memory(lambda: utils.fast_max_pool2d(x, 2), x) < utils.peak_memory(windows, x)


def test_peak_memory_sees_native_indices():
    x = torch.zeros(2, 3, 8, 8)
    values = x.nbytes // 4
    assert utils.peak_memory(lambda: F.max_pool2d(x, 2, return_indices=True), x) == values + 2 * values


def test_copy_bandwidth_is_a_positive_rate():
    assert utils.copy_bandwidth(2**16, repeat=2) > 1e6


@pytest.mark.parametrize(("call", "message"), [
    (lambda: utils.time_call(lambda: None, repeat=0), "repeat must be a positive int"),
    (lambda: utils.time_call(lambda: None, warmup=-1), "warmup must be a non-negative int"),
    (lambda: utils.copy_bandwidth(0), "numel must be a positive int"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
