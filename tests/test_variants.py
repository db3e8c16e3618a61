"""Pooling variants without a torch counterpart, checked against their definitions and limiting cases."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import utils


@st.composite
def relu_maps(draw):
    """A non-negative feature map (as after a ReLU) and a pooling geometry that fits it."""
    kernel = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(kernel[0], 9)),
             draw(st.integers(kernel[1], 9)))
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    x = torch.randn(shape, generator=generator, dtype=torch.float64).relu()
    return x, kernel, stride


@settings(max_examples=300)
@given(relu_maps())
def test_variants_lie_between_average_and_maximum(torch_checks, case):
    x, kernel, stride = case
    torch_checks["pooling variants vs avg/max bounds"] += 1
    low, high = F.avg_pool2d(x, kernel, stride), F.max_pool2d(x, kernel, stride)
    tol = 1e-9
    for y in (utils.soft_pool2d(x, kernel, stride), utils.stochastic_pool2d(x, kernel, stride, training=False),
              utils.mixed_pool2d(x, 0.3, kernel, stride)):
        assert y.shape == low.shape
        assert (y >= low - tol).all() and (y <= high + tol).all()
    # A training-mode sample is one of the window's values.
    sample = utils.stochastic_pool2d(x, kernel, stride, generator=torch.Generator().manual_seed(0))
    windows = F.unfold(x.flatten(0, 1)[:, None], kernel, stride=stride or kernel)
    assert ((windows - sample.flatten(0, 1).flatten(1)[:, None]).abs() < tol).any(dim=1).all()


def test_weighted_avg_pool2d_weights_positions_not_channels():
    x = torch.randn(2, 3, 6, 6, dtype=torch.float64)
    uniform = torch.full((3, 2, 2), 0.25, dtype=torch.float64)
    torch.testing.assert_close(utils.weighted_avg_pool2d(x, uniform), F.avg_pool2d(x, 2))
    top_left = torch.zeros(2, 2, dtype=torch.float64)
    top_left[0, 0] = 1.0
    torch.testing.assert_close(utils.weighted_avg_pool2d(x, top_left), x[..., ::2, ::2])
    layer = utils.WeightedAvgPool2d(3, 2)
    torch.testing.assert_close(layer(x.float()), F.avg_pool2d(x.float(), 2))
    assert utils.count_parameters(layer) == 3 * 4
    torch.testing.assert_close(layer.weights().sum((1, 2)), torch.ones(3))


def test_weighted_avg_pool2d_learns_to_pick_a_position():
    torch.manual_seed(0)
    layer = utils.WeightedAvgPool2d(1, 2)
    optimizer = torch.optim.Adam(layer.parameters(), lr=0.1)
    for _ in range(200):
        x = torch.randn(8, 1, 4, 4)
        loss = (layer(x) - x[..., 1::2, ::2]).pow(2).mean()  # target: bottom-left cell of every window
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert layer.weights()[0, 1, 0] > 0.9


def test_gem_limits_average_and_maximum():
    x = torch.rand(2, 3, 5, 5, dtype=torch.float64) + 0.1
    torch.testing.assert_close(utils.gem_pool2d(x, 1.0), x.mean((-2, -1), keepdim=True))
    gaps = [(x.amax((-2, -1), keepdim=True) - utils.gem_pool2d(x, p)).max().item() for p in (2.0, 8.0, 256.0)]
    assert gaps[0] > gaps[1] > gaps[2] > 0 and gaps[2] < 0.02
    torch.testing.assert_close(utils.gem_pool2d(x, 1.0, kernel_size=2), F.avg_pool2d(x, 2))


def test_gem_module_learns_p():
    layer = utils.GeM(p=3.0)
    out = layer(torch.rand(2, 4, 3, 3))
    assert out.shape == (2, 4, 1, 1)
    out.sum().backward()
    assert layer.p.grad is not None and utils.count_parameters(layer) == 1
    assert utils.count_parameters(utils.GeM(learnable=False)) == 0


def test_mixed_pooling_endpoints_and_learnable_alpha():
    x = torch.randn(2, 3, 6, 6)
    torch.testing.assert_close(utils.mixed_pool2d(x, 1.0, 2), F.max_pool2d(x, 2))
    torch.testing.assert_close(utils.mixed_pool2d(x, 0.0, 2), F.avg_pool2d(x, 2))
    torch.testing.assert_close(utils.mixed_pool2d(torch.ones(1, 4, 4), 0.7, 2), torch.ones(1, 2, 2))
    layer = utils.MixedPool2d(2, alpha=0.25, learnable=True)
    assert layer.alpha.item() == pytest.approx(0.25)
    layer(x).sum().backward()
    assert layer.logit.grad is not None
    assert utils.count_parameters(utils.MixedPool2d(2)) == 0


def test_stochastic_pooling_is_random_in_training_and_fixed_in_eval():
    x = torch.rand(1, 4, 8, 8)
    layer = utils.StochasticPool2d(2)
    torch.manual_seed(0)
    samples = [layer(x) for _ in range(5)]
    assert any(not torch.equal(samples[0], s) for s in samples[1:])
    layer.eval()
    assert torch.equal(layer(x), layer(x))
    same = [utils.stochastic_pool2d(x, 2, generator=torch.Generator().manual_seed(1)) for _ in range(2)]
    assert torch.equal(*same)
    assert utils.stochastic_pool2d(torch.zeros(1, 2, 2), 2).item() == 0.0
    assert utils.stochastic_pool2d(torch.zeros(1, 2, 2), 2, training=False).item() == 0.0


def test_stochastic_pooling_samples_in_proportion_to_activations():
    x = torch.tensor([[[1.0, 3.0], [0.0, 0.0]]]).expand(4000, 1, 2, 2)
    picks = utils.stochastic_pool2d(x, 2, generator=torch.Generator().manual_seed(0))
    assert (picks == 3.0).float().mean().item() == pytest.approx(0.75, abs=0.03)


def test_soft_pool_is_a_softmax_weighted_average():
    window = torch.tensor([[[0.0, 1.0], [2.0, 3.0]]], dtype=torch.float64)
    weights = window.flatten().softmax(0)
    assert utils.soft_pool2d(window, 2).item() == pytest.approx((weights * window.flatten()).sum().item())
    x = torch.randn(1, 2, 4, 4, requires_grad=True)
    utils.SoftPool2d(2)(x).sum().backward()
    assert (x.grad != 0).all()  # every input receives gradient, unlike max pooling


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: utils.stochastic_pool2d(-torch.ones(1, 2, 2), 2), "x must be non-negative"),
        (lambda: utils.weighted_avg_pool2d(torch.zeros(1, 3, 4, 4), torch.ones(2, 2, 2)), "weight must be"),
        (lambda: utils.weighted_avg_pool2d(torch.zeros(1, 4, 4), torch.ones(3, 3), padding=2), "padding"),
        (lambda: utils.mixed_pool2d(torch.zeros(1, 4, 4), 1.5, 2), "alpha must lie in"),
        (lambda: utils.MixedPool2d(2, alpha=1.0, learnable=True), "strictly between"),
        (lambda: utils.gem_pool2d(torch.zeros(1, 4, 4), -1.0), "p must lie in"),
        (lambda: utils.GeM(p=0.0), "p must lie in"),
        (lambda: utils.WeightedAvgPool2d(0, 2), "channels"),
        (lambda: utils.soft_pool2d(torch.zeros(1, 2, 2), 3), "kernel_size"),
    ],
)
def test_bad_arguments_raise_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_variant_layers_plug_into_lenet():
    for factory in (lambda c: utils.MixedPool2d(2, learnable=True), lambda c: utils.StochasticPool2d(2),
                    lambda c: utils.SoftPool2d(2), lambda c: utils.WeightedAvgPool2d(c, 2)):
        net = utils.lenet(factory)
        assert net(torch.rand(2, 1, 28, 28)).shape == (2, 10)
