"""The native-kernel layers of utils/fast.py against the utils layers they speed up.

(``fast_max_pool2d`` runs through every test of tests/test_pooling.py beside the reference.)
"""

import pytest
import torch
import torch.nn.functional as F

import utils

GENERATOR = torch.Generator().manual_seed(0)
X = F.relu(torch.randn(4, 3, 12, 10, generator=GENERATOR, dtype=torch.float64))


@pytest.mark.parametrize("kernel", [2, 3, (2, 3)])
def test_fast_mixed_pool_is_mixed_pool(kernel):
    for learnable in (False, True):
        fast = utils.FastMixedPool2d(kernel, alpha=0.3, learnable=learnable)
        slow = utils.MixedPool2d(kernel, alpha=0.3, learnable=learnable)
        torch.testing.assert_close(fast(X), slow(X))
    assert [name for name, _ in utils.FastMixedPool2d(2, learnable=True).named_parameters()] == ["logit"]


@pytest.mark.parametrize("kernel", [2, 3, (2, 3)])
def test_fast_soft_pool_is_soft_pool_and_does_not_overflow(kernel):
    fast = utils.FastSoftPool2d(kernel)
    torch.testing.assert_close(fast(X), utils.soft_pool2d(X, kernel))
    torch.testing.assert_close(fast(500 * X), utils.soft_pool2d(500 * X, kernel))  # exp(500) overflows unshifted
    grad = X.clone().requires_grad_()
    fast(grad).sum().backward()
    assert torch.isfinite(grad.grad).all()


@pytest.mark.parametrize("kernel", [2, 3, (2, 3)])
def test_fast_stochastic_pool_averages_like_stochastic_pool_in_eval(kernel):
    fast = utils.FastStochasticPool2d(kernel).eval()
    torch.testing.assert_close(fast(X), utils.stochastic_pool2d(X, kernel, training=False))


def test_fast_stochastic_pool_draws_each_activation_in_proportion_to_it():
    values = torch.tensor([1.0, 2.0, 3.0, 4.0])
    tiled = values.view(1, 1, 2, 2).repeat(1, 2000, 2, 3)  # 12,000 windows holding 1, 2, 3, 4
    torch.manual_seed(0)
    draws = utils.FastStochasticPool2d(2)(tiled)
    assert torch.isin(draws, values).all()
    frequencies = torch.stack([(draws == v).double().mean() for v in values])
    torch.testing.assert_close(frequencies, values.double() / 10, atol=0.015, rtol=0)


@pytest.mark.parametrize("layer", [utils.FastSoftPool2d, utils.FastStochasticPool2d])
def test_fast_layers_need_windows_that_tile_the_map(layer):
    with pytest.raises(ValueError, match="stride must equal kernel_size"):
        layer(2, stride=1)
    with pytest.raises(ValueError, match="kernel_size must be >= 1"):
        layer(0)
    odd = X[..., :11, :9]  # the last row and column fill no whole 2x2 window: dropped, as by pooling
    assert layer(2).eval()(odd).shape == (4, 3, 5, 4)


@pytest.mark.parametrize("config", [dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=(2, 4), stride=(3, 1),
                                    padding=(1, 2), dilation=(2, 1), ceil_mode=True)])
def test_fast_max_pool_indices_are_the_same_when_offsets_need_int64(monkeypatch, config):
    """Offsets go through int32 unless some value could overflow it; the int64 path gives the same indices."""
    x = torch.randn(2, 3, 23, 29)  # offsets up to 666: beyond int8, so a too-narrow type would show
    x[0, 0, 2:4, 2:4] = 1.0e3  # a tie: the first in row-major order wins
    x[1, 2, 5, 5] = float("nan")
    expected = F.max_pool2d(x, **config, return_indices=True)[1]
    assert torch.equal(utils.fast_max_pool2d(x, **config, return_indices=True)[1], expected)
    monkeypatch.setattr(utils.fast, "INT32_LIMIT", 0)
    assert torch.equal(utils.fast_max_pool2d(x, **config, return_indices=True)[1], expected)
