"""utils.max_pool2d (reference and fast) and utils.avg_pool2d against torch: values, indices, gradients, dtypes,
errors."""

from unittest import mock

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import as_pair, pool_configs

import utils


def fast_max_pool2d_in_torch(*args, **kwargs):
    """fast_max_pool2d without its C loops: the torch operations it falls back on without a compiler."""
    with utils.fast.without_c_kernels():
        return utils.fast_max_pool2d(*args, **kwargs)


def fast_max_pool2d_by_slices(*args, **kwargs):
    """The torch operations, with the index sweep forced to one slice of the batch (or one channel) at a time."""
    with mock.patch.object(utils.fast, "SWEEP_CHUNK_BYTES", 1):
        return fast_max_pool2d_in_torch(*args, **kwargs)


def fast_max_pool2d_on_threads(*args, **kwargs):
    """The C loops with the planes split over three threads, however small the input."""
    threads = torch.get_num_threads()
    torch.set_num_threads(3)
    try:
        with mock.patch.object(utils.c_kernels, "PARALLEL_CELLS", 0):
            return utils.fast_max_pool2d(*args, **kwargs)
    finally:
        torch.set_num_threads(threads)


# Every max pooling test runs over the reference implementation and each path of the fast one: its C
# loops (float32 on the CPU, when a compiler is at hand), on one thread and on three, and the torch
# operations it uses otherwise, whose index sweep works through large inputs a slice at a time.
MAX_POOLS = pytest.mark.parametrize(
    "max_pool", [utils.max_pool2d, utils.fast_max_pool2d, fast_max_pool2d_on_threads, fast_max_pool2d_in_torch,
                 fast_max_pool2d_by_slices],
    ids=["reference", "fast", "fast-threads", "fast-torch", "fast-sliced"])
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@st.composite
def pooling_cases(draw, dilation: bool = True):
    """A configuration plus an input: 3-D or 4-D, float16, float32 or float64, often full of ties, sometimes
    holding NaN and +-inf, and (with dilation) sometimes with windows that lie wholly in the padding."""
    config = draw(st.one_of(pool_configs(dilation=dilation), padding_only_configs()) if dilation
                  else pool_configs(dilation=False))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    channels = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from([torch.float32, torch.float64, torch.float16]))
    ties = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1))
    generator = torch.Generator().manual_seed(seed)
    shape = (*batch, channels, *config.pop("size"))
    if ties:  # small integers: many windows hold their maximum more than once
        x = torch.randint(-2, 3, shape, generator=generator).to(dtype)
    else:
        x = torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype)
    specials = draw(st.lists(st.sampled_from([float("nan"), float("inf"), -float("inf")]), max_size=3))
    cells = torch.randint(0, x.numel(), (len(specials),), generator=generator)
    x.view(-1)[cells] = torch.tensor(specials, dtype=dtype)
    return x, config


@st.composite
def padding_only_configs(draw):
    """A dilated window wide enough, on a short enough input, that some windows read only padding."""
    kernel = draw(st.integers(2, 3))
    dil = draw(st.integers(2, 3))
    return {"size": (draw(st.integers(1, 2)), draw(st.integers(1, 6))),
            "kernel_size": (kernel, draw(st.integers(1, 3))), "stride": draw(st.sampled_from([None, 1, (1, 2)])),
            "padding": (kernel // 2, 0), "dilation": (dil, 1), "ceil_mode": draw(st.booleans())}


def torch_or_none(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except RuntimeError:
        return None


def has_window_in_padding_only(x, config) -> bool:
    """True when dilation puts some window wholly in the padding (its output is -inf).

    torch 2.14.1 then reports an index outside the plane, and its CPU backward writes the
    gradient there: heap corruption. Gradients are compared only where this cannot happen.
    """
    out_hw = utils.pool_output_shape(tuple(x.shape[-2:]), **config)
    kernel = as_pair(config["kernel_size"])
    stride = kernel if config["stride"] is None else as_pair(config["stride"])
    padding, dilation = as_pair(config["padding"]), as_pair(config["dilation"])
    for dim in range(2):
        for i in range(out_hw[dim]):
            cells = utils.window_positions(i, kernel[dim], stride[dim], padding[dim], dilation[dim])
            if not any(0 <= c < x.shape[-2 + dim] for c in cells):
                return True
    return False


def half_tolerance(x) -> dict:
    """Gradients of overlapping windows are sums, which torch and autograd round differently in float16:
    compare those at half precision."""
    return {"rtol": 1e-2, "atol": 1e-2} if x.dtype == torch.float16 else {}


def backward(fn, x, grad_seed, **kwargs):
    """Run ``fn`` on a fresh leaf copy of x, backpropagate a fixed random output gradient, return x.grad."""
    leaf = x.clone().requires_grad_(True)
    out = fn(leaf, **kwargs)
    out = out[0] if isinstance(out, tuple) else out
    grad = torch.randn(out.shape, generator=torch.Generator().manual_seed(grad_seed), dtype=x.dtype)
    out.backward(grad)
    return leaf.grad


@MAX_POOLS
@settings(max_examples=2500)
@given(pooling_cases(), st.integers(0, 1000))
def test_max_pool2d_matches_torch(max_pool, torch_checks, case, grad_seed):
    x, config = case
    expected = torch_or_none(F.max_pool2d, x, return_indices=True, **config)
    torch_checks[max_pool.__name__] += 1
    if expected is None:
        with pytest.raises(ValueError):
            max_pool(x, return_indices=True, **config)
        return
    values, indices = max_pool(x, return_indices=True, **config)
    torch.testing.assert_close(values, expected[0], rtol=0, atol=0, equal_nan=True)
    assert values.dtype == x.dtype
    assert indices.dtype == torch.int64 and torch.equal(indices, expected[1])  # torch.equal ignores dtypes
    # The values must not depend on whether indices or a gradient are wanted (windows in the padding included).
    for alone in (max_pool(x, **config), max_pool(x.clone().requires_grad_(), **config).detach()):
        torch.testing.assert_close(alone, expected[0], rtol=0, atol=0, equal_nan=True)
    if has_window_in_padding_only(x, config):
        return
    torch.testing.assert_close(backward(max_pool, x, grad_seed, **config),
                               backward(F.max_pool2d, x, grad_seed, **config), **half_tolerance(x))


@settings(max_examples=2000)
@given(pooling_cases(dilation=False), st.booleans(), st.sampled_from([None, None, 1, 3, -2]), st.integers(0, 1000))
def test_avg_pool2d_matches_torch(torch_checks, case, count_include_pad, divisor_override, grad_seed):
    x, config = case
    del config["dilation"]
    config.update(count_include_pad=count_include_pad, divisor_override=divisor_override)
    expected = torch_or_none(F.avg_pool2d, x, **config)
    torch_checks["avg_pool2d"] += 1
    if expected is None:
        with pytest.raises(ValueError):
            utils.avg_pool2d(x, **config)
        return
    torch.testing.assert_close(utils.avg_pool2d(x, **config), expected, equal_nan=True)
    torch.testing.assert_close(backward(utils.avg_pool2d, x, grad_seed, **config),
                               backward(F.avg_pool2d, x, grad_seed, **config), **half_tolerance(x))


@MAX_POOLS
@pytest.mark.parametrize("device", DEVICES)
def test_max_pool2d_on_each_device(max_pool, device):
    x = torch.randn(2, 3, 11, 9, generator=torch.Generator().manual_seed(0)).to(device)
    for args in [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                 dict(kernel_size=(2, 3), dilation=2, padding=(1, 0))]:
        values, indices = max_pool(x, return_indices=True, **args)
        expected = F.max_pool2d(x, return_indices=True, **args)
        assert values.device == x.device
        torch.testing.assert_close(values, expected[0])
        assert torch.equal(indices, expected[1])
        torch.testing.assert_close(utils.avg_pool2d(x, args["kernel_size"]), F.avg_pool2d(x, args["kernel_size"]))


@MAX_POOLS
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8])
def test_max_pool2d_keeps_integer_dtypes_like_torch(max_pool, dtype):
    x = torch.randint(0, 100, (2, 7, 7), generator=torch.Generator().manual_seed(1)).to(dtype)
    values, indices = max_pool(x, 3, stride=2, padding=1, return_indices=True)
    expected = F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    assert values.dtype == dtype
    assert torch.equal(values, expected[0]) and torch.equal(indices, expected[1])


@MAX_POOLS
def test_max_pool2d_seed_example(max_pool):
    x = torch.tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]])
    assert max_pool(x[None], 3, ceil_mode=True).tolist() == [[[2, 3], [5, 1]]]
    assert max_pool(x[None], 3).tolist() == [[[2]]]


@MAX_POOLS
def test_max_pool2d_pads_with_minus_infinity(max_pool):
    x = torch.full((1, 4, 4), -5.0)
    assert torch.equal(max_pool(x, 3, stride=1, padding=1), torch.full((1, 4, 4), -5.0))


@MAX_POOLS
def test_max_pool2d_ties_go_to_the_first_maximum_and_nans_win(max_pool):
    x = torch.tensor([[[1.0, 7.0], [7.0, 7.0]]])
    assert max_pool(x, 2, return_indices=True)[1].item() == 1
    nan = float("nan")
    values, indices = max_pool(torch.tensor([[[9.0, nan], [nan, 3.0]]]), 2, return_indices=True)
    expected = F.max_pool2d(torch.tensor([[[9.0, nan], [nan, 3.0]]]), 2, return_indices=True)
    assert values.isnan().all() and torch.equal(indices, expected[1])


@MAX_POOLS
def test_max_pool2d_gradient_routes_to_one_cell_per_window_and_accumulates(max_pool):
    x = torch.ones(1, 2, 2, requires_grad=True)
    max_pool(x, 2).sum().backward()
    assert x.grad.tolist() == [[[1.0, 0.0], [0.0, 0.0]]]
    centre = torch.zeros(1, 3, 3)
    centre[0, 1, 1] = 1.0
    centre.requires_grad_(True)
    max_pool(centre, 2, stride=1).sum().backward()
    assert centre.grad[0, 1, 1].item() == 4.0


@MAX_POOLS
def test_max_pool2d_gives_no_gradient_to_a_window_that_sees_only_padding(max_pool):
    # Rows -1 and 1 of a one-row input: the output is -inf and must not send gradient anywhere.
    x = torch.randn(1, 1, 8, requires_grad=True)
    out, indices = max_pool(x, 2, padding=(1, 0), dilation=2, return_indices=True)
    assert torch.isneginf(out).all()
    assert torch.equal(indices, F.max_pool2d(x.detach(), 2, padding=(1, 0), dilation=2, return_indices=True)[1])
    out.backward(torch.ones_like(out))
    assert torch.equal(x.grad, torch.zeros_like(x))


@MAX_POOLS
def test_max_pool2d_passes_gradcheck(max_pool):
    x = torch.randn(1, 2, 6, 5, dtype=torch.float64, requires_grad=True, generator=torch.Generator().manual_seed(3))
    assert torch.autograd.gradcheck(lambda t: max_pool(t, 3, stride=2, padding=1, ceil_mode=True), (x,))
    assert torch.autograd.gradcheck(lambda t: utils.avg_pool2d(t, 3, stride=2, padding=1, ceil_mode=True), (x,))


def test_avg_pool2d_padding_and_divisor_options():
    x = torch.arange(1.0, 10.0).reshape(1, 3, 3)
    assert utils.avg_pool2d(x, 2, stride=1, padding=1)[0, 0, 0].item() == 0.25
    assert utils.avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False)[0, 0, 0].item() == 1.0
    assert utils.avg_pool2d(x, 2, stride=1, padding=1, divisor_override=1)[0, 1, 1].item() == 12.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda max_pool: max_pool(torch.zeros(5, 5), 2), r"x must be 3-D \(C, H, W\) or 4-D"),
        (lambda max_pool: max_pool(torch.zeros(1, 1, 1, 5, 5), 2), "x must be 3-D"),
        (lambda max_pool: max_pool([[1.0]], 1), "x must be a torch.Tensor"),
        (lambda max_pool: max_pool(torch.zeros(1, 0, 5), 2), "non-empty channels, height and width"),
        (lambda max_pool: max_pool(torch.zeros(1, 5, 5, dtype=torch.bool), 2), "bool"),
        (lambda max_pool: max_pool(torch.zeros(1, 5, 5), 3, padding=2), "padding.*at most half of kernel_size"),
        (lambda max_pool: max_pool(torch.zeros(1, 5, 5), 3, padding=2, dilation=2), "padding.*at most half"),
        (lambda max_pool: max_pool(torch.zeros(1, 2, 2), 3), r"kernel_size \(height\)=3 .*spans 3"),
        (lambda max_pool: max_pool(torch.zeros(1, 5, 5), 0), "kernel_size must be >= 1"),
        (lambda max_pool: max_pool(torch.zeros(1, 5, 5), 2, stride=(1, 0)), "stride must be >= 1"),
        (lambda max_pool: max_pool(torch.zeros(1, 5, 5), 2.5), "kernel_size must be an int or a pair"),
        (lambda max_pool: max_pool(torch.zeros(1, 5, 5), 2, dilation=0), "dilation must be >= 1"),
        (lambda max_pool: utils.avg_pool2d(torch.zeros(1, 5, 5, dtype=torch.int64), 2), "floating-point"),
        (lambda max_pool: utils.avg_pool2d(torch.zeros(1, 5, 5), 2, divisor_override=0), "divisor_override"),
        (lambda max_pool: utils.avg_pool2d(torch.zeros(1, 5, 5), 2, padding=-1), "padding must be >= 0"),
    ],
)
@MAX_POOLS
def test_bad_inputs_raise_value_errors_that_name_the_parameter(max_pool, call, match):
    with pytest.raises(ValueError, match=match):
        call(max_pool)
