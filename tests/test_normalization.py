"""utils.local_response_norm against torch, and the paper-to-torch mapping of AlexNet's constants."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import utils


@st.composite
def lrn_cases(draw):
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 9)),
             *[draw(st.integers(1, 5)) for _ in range(draw(st.integers(1, 3)))])
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    x = torch.randn(shape, generator=generator, dtype=dtype) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    kwargs = {"size": draw(st.integers(1, 10)), "alpha": draw(st.sampled_from([1e-4, 5e-4, 1e-2, 1.0])),
              "beta": draw(st.sampled_from([0.5, 0.75, 1.0, 2.0])), "k": draw(st.sampled_from([0.5, 1.0, 2.0]))}
    return x, kwargs


def lrn_gradient(fn, x, kwargs):
    leaf = x.clone().requires_grad_(True)
    out = fn(leaf, **kwargs)
    out.backward(torch.linspace(-1, 1, out.numel(), dtype=x.dtype).reshape(out.shape))
    return leaf.grad


@settings(max_examples=1000)
@given(lrn_cases())
def test_local_response_norm_matches_torch(torch_checks, case):
    x, kwargs = case
    torch_checks["local_response_norm"] += 1
    torch.testing.assert_close(utils.local_response_norm(x, **kwargs), F.local_response_norm(x, **kwargs))
    torch.testing.assert_close(lrn_gradient(utils.local_response_norm, x, kwargs),
                               lrn_gradient(F.local_response_norm, x, kwargs))


def alexnet_formula(a, n=5, alpha=1e-4, beta=0.75, k=2.0):
    """Section 3.3 of Krizhevsky et al. (2012), written as a loop over channels with a plain sum."""
    channels = a.shape[1]
    out = torch.empty_like(a)
    for i in range(channels):
        low, high = max(0, i - n // 2), min(channels - 1, i + n // 2)
        out[:, i] = a[:, i] / (k + alpha * a[:, low:high + 1].square().sum(dim=1)) ** beta
    return out


def test_alexnet_constants_map_onto_torch():
    a = torch.rand(2, 16, 4, 4, dtype=torch.float64) * 40  # ReLU outputs of the size AlexNet sees
    paper = alexnet_formula(a)
    kwargs = utils.lrn_paper_to_torch()
    assert kwargs == {"size": 5, "alpha": 5e-4, "beta": 0.75, "k": 2.0}
    torch.testing.assert_close(nn.LocalResponseNorm(**kwargs)(a), paper)
    torch.testing.assert_close(utils.local_response_norm(a, **kwargs), paper)
    naive = nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)(a)  # the paper's alpha, taken literally
    assert (naive - paper).abs().max() > 0.1


def test_shape_is_kept_and_a_3d_input_is_normalised_along_dimension_one():
    image = torch.rand(4, 6, 5) * 10  # (C, H, W), but a 3-D input is read as (N, C, L): H plays the channels
    three_d = utils.local_response_norm(image, 3, alpha=1.0)
    assert three_d.shape == image.shape
    across_rows = utils.local_response_norm(image.transpose(0, 1).unsqueeze(0), 3, alpha=1.0)[0].transpose(0, 1)
    across_channels = utils.local_response_norm(image.unsqueeze(0), 3, alpha=1.0)[0]
    torch.testing.assert_close(three_d, across_rows)
    assert not torch.allclose(three_d, across_channels)


@pytest.mark.parametrize(("args", "message"), [
    ((torch.ones(4, 4), 3), "at least 3 dimensions"),
    ((torch.ones(1, 4, 4, dtype=torch.int64), 3), "floating-point"),
    ((torch.ones(1, 4, 4), 0), "size must be >= 1"),
    ((torch.ones(1, 4, 4), 2.5), "size must be an int"),
])
def test_local_response_norm_rejects_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        utils.local_response_norm(*args)


def test_lrn_paper_to_torch_rejects_bad_n():
    with pytest.raises(ValueError, match="n must be >= 1"):
        utils.lrn_paper_to_torch(n=0)
