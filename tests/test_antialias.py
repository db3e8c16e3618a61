"""utils' anti-aliased pooling: the binomial filter, BlurPool and MaxBlurPool (Zhang 2019)."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import utils


def test_binomial_filter_rows_are_binomial_coefficients():
    assert utils.binomial_filter(1).tolist() == [[1.0]]
    for size, row in ((2, [1, 1]), (3, [1, 2, 1]), (4, [1, 3, 3, 1]), (5, [1, 4, 6, 4, 1])):
        kernel = utils.binomial_filter(size, dtype=torch.float64)
        expected = torch.outer(torch.tensor(row, dtype=torch.float64), torch.tensor(row, dtype=torch.float64))
        torch.testing.assert_close(kernel, expected / expected.sum())


@settings(max_examples=200)
@given(st.integers(1, 5), st.integers(1, 3), st.integers(6, 13), st.integers(6, 13), st.integers(0, 2**31 - 1))
def test_blur_pool2d_is_a_reflect_padded_depthwise_blur_then_subsampling(torch_checks, filter_size, stride, h, w, seed):
    torch_checks["blur_pool2d"] += 1
    x = torch.randn(2, 3, h, w, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    padded = F.pad(x, ((filter_size - 1) // 2, filter_size // 2) * 2, mode="reflect")
    kernel = utils.binomial_filter(filter_size, dtype=torch.float64)
    blurred = torch.stack([F.conv2d(padded[:, c:c + 1], kernel[None, None])[:, 0] for c in range(3)], dim=1)
    y = utils.blur_pool2d(x, filter_size, stride)
    assert y.shape[-2:] == (-(-h // stride), -(-w // stride))
    torch.testing.assert_close(y, blurred[..., ::stride, ::stride])
    torch.testing.assert_close(utils.blur_pool2d(x[0], filter_size, stride), y[0])


def test_blur_keeps_constants_and_max_blur_without_blur_is_max_pooling():
    torch.testing.assert_close(utils.blur_pool2d(torch.full((1, 2, 8, 8), 3.0)), torch.full((1, 2, 4, 4), 3.0))
    x = torch.randn(2, 3, 28, 28)
    assert torch.equal(utils.max_blur_pool2d(x, filter_size=1), F.max_pool2d(x, 2))
    y = utils.max_blur_pool2d(x)
    assert y.shape == (2, 3, 14, 14)
    torch.testing.assert_close(y, utils.blur_pool2d(F.max_pool2d(x, 2, stride=1), 3, 2))
    assert torch.equal(utils.MaxBlurPool2d()(x), y) and torch.equal(utils.BlurPool2d(3, 2)(x), utils.blur_pool2d(x))


def test_max_blur_pool_is_more_shift_stable_than_max_pool():
    """Shift an image by one pixel: the pooled output changes less after blurring (the aliasing is damped)."""
    x = torch.rand(8, 4, 32, 32, generator=torch.Generator().manual_seed(0))
    shifted = torch.roll(x, 1, dims=-1)

    def change(pool):
        a, b = pool(x), pool(shifted)
        return (a - b).abs().mean() / a.abs().mean()

    assert change(utils.max_blur_pool2d) < 0.7 * change(lambda t: F.max_pool2d(t, 2))


def test_max_blur_lenet_keeps_max_pooling_shapes_and_has_no_extra_parameters():
    model = utils.lenet("maxblur")
    assert utils.count_parameters(model) == utils.count_parameters(utils.lenet("max")) == 21840
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert sum(isinstance(m, utils.MaxBlurPool2d) for m in model.modules()) == 2


@pytest.mark.parametrize(("call", "message"), [
    (lambda: utils.binomial_filter(0), "size must be >= 1"),
    (lambda: utils.blur_pool2d(torch.ones(1, 1, 4, 4), stride=0), "stride must be >= 1"),
    (lambda: utils.blur_pool2d(torch.ones(1, 1, 2, 2), filter_size=5), "smaller than the input"),
    (lambda: utils.blur_pool2d(torch.ones(4, 4)), "3-D"),
    (lambda: utils.MaxBlurPool2d(filter_size=0), "size must be >= 1"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
