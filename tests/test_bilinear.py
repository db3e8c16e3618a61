"""utils.bilinear_pool against its definition, and Tensor Sketch's statistics with fixed seeds."""

import pytest
import torch
import torch.nn.functional as F

import utils


def features(*shape, seed=0, dtype=torch.float64):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def test_bilinear_pool_is_the_mean_outer_product_flattened_row_major():
    x, y = features(3, 4, 5, 6), features(3, 7, 5, 6, seed=1)
    z = utils.bilinear_pool(x, y, signed_sqrt=False, l2_normalize=False)
    assert z.shape == (3, 28)
    by_hand = sum(torch.outer(x[0, :, h, w], y[0, :, h, w]) for h in range(5) for w in range(6)) / 30
    torch.testing.assert_close(z[0].reshape(4, 7), by_hand)
    torch.testing.assert_close(z, torch.einsum("nihw,njhw->nij", x, y).reshape(3, -1) / 30)


def test_bilinear_pool_normalisations_and_default_y():
    x = features(2, 5, 4, 4)
    raw = utils.bilinear_pool(x, signed_sqrt=False, l2_normalize=False)
    torch.testing.assert_close(raw, utils.bilinear_pool(x, x, signed_sqrt=False, l2_normalize=False))
    rooted = torch.sign(raw) * raw.abs().sqrt()
    torch.testing.assert_close(utils.bilinear_pool(x, l2_normalize=False), rooted)
    torch.testing.assert_close(utils.bilinear_pool(x), rooted / rooted.norm(dim=1, keepdim=True))
    torch.testing.assert_close(utils.BilinearPool()(x), utils.bilinear_pool(x))


def test_bilinear_pool_is_orderless():
    x = features(2, 6, 5, 5)
    permutation = torch.randperm(25, generator=torch.Generator().manual_seed(0))
    shuffled = x.flatten(2)[..., permutation].reshape(x.shape)
    assert not torch.equal(shuffled, x)
    torch.testing.assert_close(utils.bilinear_pool(shuffled), utils.bilinear_pool(x))


def test_bilinear_gradients_are_finite_for_relu_features():
    x = F.relu(features(2, 4, 3, 3)).requires_grad_(True)
    x.data[:, 0] = 0.0  # a dead channel: its bilinear entries are exactly zero
    utils.bilinear_pool(x).sum().backward()
    assert torch.isfinite(x.grad).all()
    assert torch.autograd.gradcheck(lambda t: utils.bilinear_pool(t, signed_sqrt=False),
                                    features(1, 3, 2, 2).requires_grad_(True))


def test_count_sketch_is_a_signed_bucket_sum():
    v = features(3, 6)
    h, s = torch.tensor([0, 2, 2, 1, 0, 3]), torch.tensor([1.0, -1, 1, 1, -1, -1], dtype=torch.float64)
    matrix = torch.zeros(6, 4, dtype=torch.float64)
    matrix[torch.arange(6), h] = s
    torch.testing.assert_close(utils.count_sketch(v, h, s, 4), v @ matrix)


def test_tensor_sketch_is_the_count_sketch_of_the_outer_product():
    """Circular convolution of two count sketches = one count sketch of vec(u v^T) with combined hashes."""
    sketch = utils.TensorSketch(5, 3, output_dim=16, seed=3).double()
    u, v = features(2, 5), features(2, 3, seed=1)
    h = (sketch.h1[:, None] + sketch.h2[None, :]).remainder(16).flatten()
    s = (sketch.s1[:, None] * sketch.s2[None, :]).flatten()
    outer = torch.einsum("ni,nj->nij", u, v).flatten(1)
    torch.testing.assert_close(sketch(u, v), utils.count_sketch(outer, h, s, 16))


def sketched_products(u, v, u2, v2, output_dim, seeds, unsigned=False):
    estimates = []
    for seed in seeds:
        sketch = utils.TensorSketch(u.numel(), v.numel(), output_dim, seed).double()
        if unsigned:  # a broken sketch, to show that the test below can fail
            sketch.s1.fill_(1.0)
            sketch.s2.fill_(1.0)
        estimates.append((sketch(u, v) * sketch(u2, v2)).sum())
    return torch.stack(estimates)


def unbiased(estimates, truth):
    """The mean lies within four standard errors of the truth."""
    standard_error = estimates.std() / len(estimates) ** 0.5
    return bool((estimates.mean() - truth).abs() < 4 * standard_error)


def test_tensor_sketch_inner_products_are_unbiased():
    u, v, u2, v2 = (features(12, seed=i).abs() for i in range(4))  # positive: a bias cannot cancel out
    truth = (u @ u2) * (v @ v2)
    assert unbiased(sketched_products(u, v, u2, v2, 32, range(2000)), truth)
    assert not unbiased(sketched_products(u, v, u2, v2, 32, range(2000), unsigned=True), truth)


def test_tensor_sketch_error_shrinks_like_one_over_root_d():
    x, others = features(32), features(50, 32, seed=1)
    truth = (others @ x) ** 2

    def relative_error(output_dim):
        errors = []
        for seed in range(20):
            sketch = utils.TensorSketch(32, output_dim=output_dim, seed=seed).double()
            estimate = (sketch(others) * sketch(x)).sum(dim=-1)
            errors.append((estimate - truth).norm() / truth.norm())
        return torch.stack(errors).mean()

    small, large = relative_error(128), relative_error(2048)
    assert large < 0.4 * small  # 16x the dimension: 1/sqrt(16) = 0.25 expected


def test_compact_bilinear_pool_approximates_full_bilinear_kernel():
    x = F.relu(features(6, 16, 5, 5))
    full = utils.bilinear_pool(x, signed_sqrt=False, l2_normalize=False)
    gram = full @ full.T

    def gram_error(output_dim):
        errors = []
        for seed in range(10):
            compact = utils.CompactBilinearPool(16, output_dim=output_dim, seed=seed, signed_sqrt=False,
                                                l2_normalize=False).double()
            z = compact(x)
            assert z.shape == (6, output_dim)
            errors.append((z @ z.T - gram).norm() / gram.norm())
        return torch.stack(errors).mean()

    coarse, fine = gram_error(256), gram_error(4096)  # the full vectors have 16 * 16 = 256 entries
    assert fine < 0.05 and fine < 0.5 * coarse
    normalised = utils.CompactBilinearPool(16, output_dim=512).double()(x)
    torch.testing.assert_close(normalised.norm(dim=1), torch.ones(6, dtype=torch.float64))


def test_compact_bilinear_pool_is_a_fixed_head_with_gradients():
    head = utils.CompactBilinearPool(3, 4, output_dim=64, seed=1)
    assert sum(p.numel() for p in head.parameters()) == 0
    assert set(head.state_dict()) == {"sketch.h1", "sketch.s1", "sketch.h2", "sketch.s2"}
    again = utils.CompactBilinearPool(3, 4, output_dim=64, seed=1)
    assert all(torch.equal(a, b) for a, b in zip(head.state_dict().values(), again.state_dict().values(), strict=True))
    x, y = torch.rand(2, 3, 4, 4, requires_grad=True), torch.rand(2, 4, 4, 4)
    head(x, y).square().sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0


@pytest.mark.parametrize(("call", "message"), [
    (lambda: utils.bilinear_pool(torch.ones(2, 3, 4)), "x must be a 4-D tensor"),
    (lambda: utils.bilinear_pool(torch.ones(2, 3, 4, 4), torch.ones(2, 3, 5, 4)), "y must have the batch size"),
    (lambda: utils.count_sketch(torch.ones(3), torch.zeros(2, dtype=torch.int64), torch.ones(2), 4), "shape"),
    (lambda: utils.count_sketch(torch.ones(2), torch.tensor([0, 4]), torch.ones(2), 4), r"\[0, output_dim=4\)"),
    (lambda: utils.TensorSketch(3, output_dim=0), "output_dim must be >= 1"),
    (lambda: utils.CompactBilinearPool(3)(torch.ones(1, 4, 2, 2)), "x must have 3 channels"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
