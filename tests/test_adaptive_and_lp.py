"""utils.lp_pool2d and the adaptive poolings against torch, over random configurations."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import int_or_pair

import utils


def random_input(draw, max_size=12):
    shape = (*draw(st.sampled_from([(), (2,)])), draw(st.integers(1, 3)),
             draw(st.integers(1, max_size)), draw(st.integers(1, max_size)))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    if draw(st.booleans()):  # ties
        return torch.randint(-2, 3, shape, generator=generator).to(dtype)
    return torch.randn(shape, generator=generator, dtype=dtype)


def gradients(fn, x, **kwargs):
    leaf = x.clone().requires_grad_(True)
    out = fn(leaf, **kwargs)
    out = out[0] if isinstance(out, tuple) else out
    out.backward(torch.linspace(-1, 1, out.numel(), dtype=x.dtype).reshape(out.shape))
    return leaf.grad


@st.composite
def adaptive_cases(draw):
    x = random_input(draw)
    size = st.one_of(st.none(), st.integers(1, 8))
    output_size = draw(st.one_of(st.integers(1, 8), st.tuples(size, size)))
    return x, output_size


@settings(max_examples=1000)
@given(adaptive_cases())
def test_adaptive_max_pool2d_matches_torch(torch_checks, case):
    x, output_size = case
    torch_checks["adaptive_max_pool2d"] += 1
    values, indices = utils.adaptive_max_pool2d(x, output_size, return_indices=True)
    expected = F.adaptive_max_pool2d(x, output_size, return_indices=True)
    assert torch.equal(values, expected[0]) and torch.equal(indices, expected[1])
    torch.testing.assert_close(gradients(utils.adaptive_max_pool2d, x, output_size=output_size),
                               gradients(F.adaptive_max_pool2d, x, output_size=output_size))


@settings(max_examples=1000)
@given(adaptive_cases())
def test_adaptive_avg_pool2d_matches_torch(torch_checks, case):
    x, output_size = case
    torch_checks["adaptive_avg_pool2d"] += 1
    torch.testing.assert_close(utils.adaptive_avg_pool2d(x, output_size), F.adaptive_avg_pool2d(x, output_size))
    torch.testing.assert_close(gradients(utils.adaptive_avg_pool2d, x, output_size=output_size),
                               gradients(F.adaptive_avg_pool2d, x, output_size=output_size))


@st.composite
def lp_cases(draw):
    x = random_input(draw)
    if draw(st.booleans()):
        x = x.abs()  # p-norms proper; signed inputs exercise torch's NaN behaviour too
    return x, dict(norm_type=draw(st.sampled_from([1, 2, 3, 1.5, 4.0])), kernel_size=draw(int_or_pair(1, 4)),
                   stride=draw(st.one_of(st.none(), int_or_pair(1, 3))), ceil_mode=draw(st.booleans()))


@settings(max_examples=1000)
@given(lp_cases())
def test_lp_pool2d_matches_torch(torch_checks, case):
    x, config = case
    torch_checks["lp_pool2d"] += 1
    try:
        expected = F.lp_pool2d(x, **config)
    except RuntimeError:
        with pytest.raises(ValueError):
            utils.lp_pool2d(x, **config)
        return
    torch.testing.assert_close(utils.lp_pool2d(x, **config), expected, equal_nan=True)
    if not expected.isnan().any() and (x != 0).all():
        # Cells no window reads still get 0 * NaN = NaN from x.pow(p) for fractional p on negative
        # inputs, in torch as here; compare NaNs as equal.
        torch.testing.assert_close(gradients(utils.lp_pool2d, x, **config), gradients(F.lp_pool2d, x, **config),
                                   equal_nan=True)


def test_adaptive_bins_overlap_and_differ_in_length():
    assert utils.adaptive_bins(5, 3) == [(0, 2), (1, 4), (3, 5)]
    assert utils.adaptive_bins(3, 5) == [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]
    assert utils.adaptive_bins(8, 4) == [(0, 2), (2, 4), (4, 6), (6, 8)]


def test_global_average_pooling_gives_one_value_per_channel():
    x = torch.randn(2, 5, 7, 3)
    out = utils.adaptive_avg_pool2d(x, 1)
    assert out.shape == (2, 5, 1, 1)
    torch.testing.assert_close(out[..., 0, 0], x.mean((-2, -1)))


def test_lp_pool2d_is_a_sum_based_norm():
    window = torch.tensor([[[3.0, 4.0], [0.0, 0.0]]])
    assert utils.lp_pool2d(window, 2, 2).item() == pytest.approx(5.0)
    assert utils.lp_pool2d(window, 1, 2).item() == pytest.approx(7.0)
    zero = torch.zeros(1, 2, 2, requires_grad=True)
    utils.lp_pool2d(zero, 2, 2).sum().backward()
    assert torch.equal(zero.grad, torch.zeros_like(zero))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: utils.adaptive_avg_pool2d(torch.zeros(4, 4), 2), "x must be 3-D"),
        (lambda: utils.adaptive_avg_pool2d(torch.zeros(1, 4, 4), 0), "output_size must hold positive ints"),
        (lambda: utils.adaptive_avg_pool2d(torch.zeros(1, 4, 4), (1, 2, 3)), "output_size must be"),
        (lambda: utils.adaptive_max_pool2d(torch.zeros(1, 4, 4, dtype=torch.int64), 2), "floating-point"),
        (lambda: utils.adaptive_avg_pool2d(torch.zeros(1, 4, 4, dtype=torch.int64), 2), "floating-point"),
        (lambda: utils.adaptive_bins(0, 2), "size must be >= 1"),
        (lambda: utils.lp_pool2d(torch.zeros(1, 4, 4), 0, 2), "norm_type must be a positive number"),
        (lambda: utils.lp_pool2d(torch.zeros(1, 4, 4), 2, 5), "kernel_size"),
    ],
)
def test_bad_inputs_raise_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
