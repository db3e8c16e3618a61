"""utils.max_unpool2d against torch, and its refusal of indices that do not fit the output."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import as_pair, int_or_pair

import utils


@st.composite
def unpool_cases(draw):
    """A max pool with indices (no dilation, no ceil_mode: MaxUnpool2d's inverse), and values to place."""
    kernel = draw(int_or_pair(1, 4))
    kh, kw = as_pair(kernel)
    stride = draw(st.one_of(st.none(), int_or_pair(1, 4)))
    padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    size = (draw(st.integers(max(kh - 2 * padding[0], 1), 12)), draw(st.integers(max(kw - 2 * padding[1], 1), 12)))
    batch = draw(st.sampled_from([(), (2,)]))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    x = torch.randint(-2, 3, (*batch, draw(st.integers(1, 3)), *size), generator=generator).to(dtype)
    _, indices = F.max_pool2d(x, kernel, stride, padding, return_indices=True)
    values = torch.randn(indices.shape, generator=generator, dtype=dtype)
    return values, indices, {"kernel_size": kernel, "stride": stride, "padding": padding}, size


def unpool_gradient(fn, values, indices, **kwargs):
    leaf = values.clone().requires_grad_(True)
    out = fn(leaf, indices, **kwargs)
    out.backward(torch.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape))
    return leaf.grad


@settings(max_examples=1000)
@given(unpool_cases())
def test_max_unpool2d_matches_torch_with_output_size(torch_checks, case):
    values, indices, args, size = case
    torch_checks["max_unpool2d"] += 1
    ours = utils.max_unpool2d(values, indices, **args, output_size=size)
    # One thread (conftest): torch then keeps the last of several values that share an index, as we do.
    assert torch.equal(ours, F.max_unpool2d(values, indices, **args, output_size=size))
    assert torch.equal(unpool_gradient(utils.max_unpool2d, values, indices, **args, output_size=size),
                       unpool_gradient(F.max_unpool2d, values, indices, **args, output_size=size))


@settings(max_examples=500)
@given(unpool_cases())
def test_max_unpool2d_without_output_size_agrees_or_refuses(torch_checks, case):
    """Without output_size the default plane may differ from the pooled one; we either agree with torch
    (the indices fit their windows) or refuse, never place a value outside its window."""
    values, indices, args, size = case
    torch_checks["max_unpool2d default size"] += 1
    try:
        ours = utils.max_unpool2d(values, indices, **args)
    except ValueError as err:
        kernel = as_pair(args["kernel_size"])
        stride = kernel if args["stride"] is None else as_pair(args["stride"])
        default = tuple((values.shape[-2 + i] - 1) * stride[i] - 2 * args["padding"][i] + kernel[i] for i in (0, 1))
        assert "output_size" in str(err) and default != size
        return
    assert torch.equal(ours, F.max_unpool2d(values, indices, **args))


def test_torch_misplaces_silently_where_we_refuse():
    x = torch.zeros(1, 1, 5, 5)
    for flat in (0, 2, 10, 12):  # one maximum per 2x2 window, each offset below 16 = 4 * 4
        x.view(-1)[flat] = 1.0
    pooled, indices = F.max_pool2d(x, 2, return_indices=True)
    assert indices.flatten().tolist() == [0, 2, 10, 12]
    misplaced = F.max_unpool2d(pooled, indices, 2)  # a 4x4 plane: offset 10 lands in row 2, column 2
    assert misplaced[0, 0, 2, 2] == 1.0 and misplaced[0, 0, 2, :2].sum() == 0
    with pytest.raises(ValueError, match="output_size"):
        utils.max_unpool2d(pooled, indices, 2)
    restored = utils.max_unpool2d(pooled, indices, 2, output_size=(5, 5))
    assert torch.equal(restored[..., :4, :4], x[..., :4, :4]) and restored.shape[-2:] == (5, 5)


def test_gradient_of_max_pool_is_unpooling_of_upstream_gradient():
    x = torch.randn(2, 3, 9, 7, dtype=torch.float64, requires_grad=True)
    y, indices = utils.max_pool2d(x, 2, return_indices=True)
    upstream = torch.randn_like(y)
    y.backward(upstream)
    assert torch.equal(x.grad, utils.max_unpool2d(upstream, indices, 2, output_size=x.shape[-2:]))


def test_max_unpool2d_gradcheck():
    values = torch.randn(1, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    _, indices = F.max_pool2d(torch.randn(1, 2, 7, 6), 2, return_indices=True)
    assert torch.autograd.gradcheck(lambda v: utils.max_unpool2d(v, indices, 2, output_size=(7, 6)), values)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"indices": torch.zeros(1, 2, 2, dtype=torch.int64)}, "indices must be a tensor of the shape"),
    ({"indices": torch.zeros(1, 2, 2, 2, dtype=torch.int32)}, "indices must be int64"),
    ({"output_size": (9, 4)}, "output_size height must be between 3 and 5"),
    ({"output_size": (4, 4, 4, 4, 4)}, "output_size must be"),
    ({"kernel_size": 0}, "kernel_size must be >= 1"),
    ({"padding": 2}, "empty output"),
])
def test_max_unpool2d_rejects_bad_arguments(kwargs, message):
    args = {"x": torch.ones(1, 2, 2, 2), "indices": torch.zeros(1, 2, 2, 2, dtype=torch.int64),
            "kernel_size": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        utils.max_unpool2d(**args)


def test_max_unpool2d_rejects_a_wrong_ndim():
    with pytest.raises(ValueError, match="3-D"):
        utils.max_unpool2d(torch.ones(2, 2), torch.zeros(2, 2, dtype=torch.int64), 2)
