"""utils.max_unpool2d against torch, and its refusal of indices that do not fit the output."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import as_pair, int_or_pair

import utils


@st.composite
def unpool_cases(draw):
    """A max pool with indices (any dilation, ceil_mode), and values to place.

    Dilation and ceil_mode are pool arguments that unpooling is not told; its kernel, stride and padding
    are the pool's. Returns the values, the indices, the unpooling arguments, the pooled size and the
    pool's dilation."""
    kernel = draw(int_or_pair(1, 4))
    kh, kw = as_pair(kernel)
    stride = draw(st.one_of(st.none(), int_or_pair(1, 4)))
    padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    dilation = draw(st.sampled_from([1, 1, 2, 3, (1, 2)]))
    dh, dw = as_pair(dilation)
    size = (draw(st.integers(max(dh * (kh - 1) + 1 - 2 * padding[0], 1), 12)),
            draw(st.integers(max(dw * (kw - 1) + 1 - 2 * padding[1], 1), 12)))
    ceil_mode = draw(st.booleans())
    batch = draw(st.sampled_from([(), (2,)]))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    x = torch.randint(-2, 3, (*batch, draw(st.integers(1, 3)), *size), generator=generator).to(dtype)
    pooled, indices = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode=ceil_mode, return_indices=True)
    # A dilated window can fall entirely on padding: torch then returns -inf and an index from outside the
    # plane, a configuration that is of no use to unpool.
    assume(bool(torch.isfinite(pooled).all()))
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
    try:  # a dilated or ceil_mode pool can come from a size torch does not accept as output_size
        theirs = F.max_unpool2d(values, indices, **args, output_size=size)
    except ValueError:
        with pytest.raises(ValueError, match="output_size .* must be between"):
            utils.max_unpool2d(values, indices, **args, output_size=size)
        return
    torch_checks["max_unpool2d"] += 1
    ours = utils.max_unpool2d(values, indices, **args, output_size=size)
    # One thread (conftest): torch then keeps the last of several values that share an index, as we do.
    assert torch.equal(ours, theirs)
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
        if "empty output" in str(err):  # ceil_mode and padding can pool to a size whose default is empty;
            return  # torch then returns an empty plane or raises, we refuse with a message

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


def test_max_unpool2d_accepts_the_indices_of_a_dilated_pool():
    """Issue 13: a 2x2 pool with dilation 2 on 7x7; its windows reach one row and column further."""
    x = torch.randn(1, 2, 7, 7, generator=torch.Generator().manual_seed(0))
    pooled, indices = F.max_pool2d(x, 2, 2, dilation=2, return_indices=True)
    assert pooled.shape[-2:] == (3, 3) and indices.unique().numel() < indices.numel()  # overlapping windows
    ours = utils.max_unpool2d(pooled, indices, 2, 2, output_size=(7, 7))
    assert torch.equal(ours, F.max_unpool2d(pooled, indices, 2, 2, output_size=(7, 7)))
    assert torch.equal(F.max_pool2d(ours, 2, 2, dilation=2), pooled.clamp(min=0)) or pooled.min() < 0


def test_max_unpool2d_refuses_indices_outside_the_plane():
    values = torch.ones(1, 1, 2, 2)
    indices = torch.tensor([[[[0, 2], [10, 25]]]])  # 25 is outside a 5x5 plane (offsets 0 to 24)
    with pytest.raises(ValueError, match="index 25 lies outside an output plane of 5x5"):
        utils.max_unpool2d(values, indices, 2, output_size=(5, 5))
    with pytest.raises(ValueError, match="index -1 lies outside"):
        utils.max_unpool2d(values, -torch.ones_like(indices), 2, output_size=(5, 5))


# Indices that a 3x3, stride-1 max pool of a 5x5 plane can return: each lies in its own window.
DUPLICATES = torch.tensor([[[[6, 6, 8], [6, 12, 8], [12, 12, 24]]]])


def test_duplicate_indices_keep_the_last_value_in_row_major_order():
    values = torch.arange(1.0, 10.0).view(1, 1, 3, 3)
    indices = DUPLICATES  # 6 and 12 three times, 8 twice
    out = utils.max_unpool2d(values, indices, 3, 1, output_size=(5, 5)).flatten()
    expected = torch.zeros(25)
    for position, index in enumerate(indices.flatten().tolist()):  # a Python loop: the last write wins
        expected[index] = values.flatten()[position]
    assert torch.equal(out, expected)
    assert out[[6, 8, 12, 24]].tolist() == [4.0, 6.0, 8.0, 9.0]


def test_duplicate_rule_holds_on_more_threads_and_in_deterministic_mode():
    x = torch.randn(4, 8, 33, 33, generator=torch.Generator().manual_seed(1))
    pooled, indices = F.max_pool2d(x, 3, 1, return_indices=True)
    values = torch.randn(pooled.shape, generator=torch.Generator().manual_seed(2))
    reference = utils.max_unpool2d(values, indices, 3, 1, output_size=(33, 33))
    assert torch.equal(reference, F.max_unpool2d(values, indices, 3, 1, output_size=(33, 33)))  # one thread
    threads = torch.get_num_threads()
    torch.set_num_threads(4)
    try:
        assert torch.equal(utils.max_unpool2d(values, indices, 3, 1, output_size=(33, 33)), reference)
    finally:
        torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    try:
        assert torch.equal(utils.max_unpool2d(values, indices, 3, 1, output_size=(33, 33)), reference)
    finally:
        torch.use_deterministic_algorithms(False)


def test_gradient_reaches_every_duplicate_as_in_torch():
    values = torch.randn(1, 1, 3, 3, dtype=torch.float64, requires_grad=True)
    upstream = torch.randn(1, 1, 5, 5, dtype=torch.float64)
    utils.max_unpool2d(values, DUPLICATES, 3, 1, output_size=(5, 5)).backward(upstream)
    assert torch.equal(values.grad, upstream.flatten()[DUPLICATES])
    torch_values = values.detach().requires_grad_(True)
    F.max_unpool2d(torch_values, DUPLICATES, 3, 1, output_size=(5, 5)).backward(upstream)
    assert torch.equal(values.grad, torch_values.grad)
    assert torch.autograd.gradgradcheck(lambda v: utils.max_unpool2d(v, DUPLICATES, 3, 1, output_size=(5, 5)),
                                        values.detach().requires_grad_(True))
