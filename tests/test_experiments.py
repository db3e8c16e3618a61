"""Multi-seed experiments: the statistics behind every ranking in the course, and the seeded runner."""

import math

import pytest
import torch
from torch import nn
from toy_task import blobs, tiny_net

import utils
from utils.experiments import t_quantile_975


def test_t_quantiles_are_the_textbook_values_and_join_the_expansion_smoothly():
    assert t_quantile_975(1) == 12.706 and t_quantile_975(4) == 2.776 and t_quantile_975(30) == 2.042
    assert t_quantile_975(31) == pytest.approx(2.040, abs=1e-3)
    assert t_quantile_975(60) == pytest.approx(2.000, abs=1e-3)
    assert t_quantile_975(120) == pytest.approx(1.980, abs=1e-3)
    assert t_quantile_975(10**6) == pytest.approx(1.95996, abs=1e-4)
    with pytest.raises(ValueError, match="df"):
        t_quantile_975(0)


def test_summarize_uses_the_sample_standard_deviation():
    s = utils.summarize([1, 2, 3, 4, 5])
    assert (s.n, s.mean) == (5, 3.0)
    assert s.std == pytest.approx(math.sqrt(2.5))
    assert s.se == pytest.approx(math.sqrt(2.5 / 5))
    assert s.ci95 == pytest.approx((3 - 2.776 * s.se, 3 + 2.776 * s.se))
    assert str(s) == "3.000 ± 1.581 (n=5)"


def test_pairing_separates_what_independent_intervals_cannot():
    # Seed noise shared by both contenders (0.80 .. 0.90) hides a constant 0.01 gap unpaired.
    shared = [0.80, 0.85, 0.90, 0.82, 0.88]
    scores = {"a": [x + 0.01 for x in shared], "b": shared}
    a, b = utils.summarize(scores["a"]), utils.summarize(scores["b"])
    assert a.ci95[0] < b.ci95[1]  # the two intervals overlap
    (c,) = utils.compare({"a": [x + 0.01 + 1e-4 * i for i, x in enumerate(shared)], "b": shared})
    assert c.separated and c.winner == "a" and c.verdict == "a beats b"
    assert c.describe().startswith("a beats b: a - b = +0.010")


def test_compare_refuses_to_rank_noise_and_knows_lower_is_better():
    (c,) = utils.compare({"x": [0.90, 0.92, 0.91, 0.89, 0.93], "y": [0.91, 0.90, 0.92, 0.90, 0.92]})
    assert not c.separated and c.winner is None and c.verdict == "x and y cannot be separated"
    mse = {"unpool": [0.010, 0.012, 0.011, 0.013, 0.012], "nearest": [0.020, 0.021, 0.022, 0.020, 0.023]}
    (c,) = utils.compare(mse, higher_is_better=False)
    assert c.winner == "unpool" and c.verdict == "unpool beats nearest"
    (c,) = utils.compare(mse)
    assert c.winner == "nearest"


def test_compare_lists_every_pair_in_order_and_z_sets_the_bar():
    scores = {"a": [3.0, 3.1, 2.9], "b": [2.0, 2.1, 1.8], "c": [1.0, 1.2, 0.9]}
    assert [(c.a, c.b) for c in utils.compare(scores)] == [("a", "b"), ("a", "c"), ("b", "c")]
    close = {"a": [1.0, 1.2, 1.1], "b": [0.9, 1.0, 1.1]}  # diff 0.1, paired SE 0.0577: 1.7 SE
    assert utils.compare(close, z=1.5)[0].separated and not utils.compare(close)[0].separated


@pytest.mark.parametrize(("scores", "match"), [
    ({"a": [1.0, 2.0], "b": [1.0, 2.0, 3.0]}, "same seeds"),
    ({"a": [1.0], "b": [2.0]}, "at least 2 values"),
    ({"a": [1.0, float("nan")], "b": [1.0, 2.0]}, "finite"),
    ({"a": [1.0, 2.0]}, "at least two contenders"),
    ({}, "non-empty mapping"),
    ([1.0, 2.0], "non-empty mapping"),
    ({"a": "xy", "b": [1.0, 2.0]}, "sequence of numbers"),
])
def test_compare_rejects_unpaired_or_degenerate_scores(scores, match):
    with pytest.raises(ValueError, match=match):
        utils.compare(scores)


def test_compare_rejects_bad_options():
    with pytest.raises(ValueError, match="z must be positive"):
        utils.compare({"a": [1.0, 2.0], "b": [1.0, 2.0]}, z=0)
    with pytest.raises(TypeError, match="higher_is_better"):
        utils.compare({"a": [1.0, 2.0], "b": [1.0, 2.0]}, higher_is_better="no")


def test_seed_table_lists_mean_spread_interval_and_every_seed():
    table = utils.seed_table({"max": [0.9, 0.92, 0.91], "avg": [0.8, 0.85, 0.82]}).splitlines()
    assert table[0].split() == ["contender", "mean", "std", "95%", "interval", "per", "seed"]
    assert table[2].split()[:3] == ["max", "0.910", "0.010"] and table[2].endswith("0.900 0.920 0.910")
    assert "[0.885, 0.935]" in table[2]


def test_accuracy_se_is_the_binomial_standard_error():
    assert utils.accuracy_se(0.9, 1000) == pytest.approx(0.00949, abs=1e-5)
    assert utils.accuracy_se(1.0, 10) == 0.0
    for bad in [(1.5, 10), (0.5, 0), (0.5, 2.0)]:
        with pytest.raises(ValueError):
            utils.accuracy_se(*bad)


def test_fit_seeds_builds_after_seeding_so_runs_are_paired_and_reproducible():
    torch.manual_seed(123)  # whatever the RNG history, the runs below start from their seeds
    first = utils.fit_seeds(tiny_net, blobs(64, 0), blobs(32, 1), seeds=(0, 1, 2), epochs=2, batch_size=16)
    torch.rand(10)
    again = utils.fit_seeds(tiny_net, blobs(64, 0), blobs(32, 1), seeds=(0, 1, 2), epochs=2, batch_size=16)
    assert first.seeds == (0, 1, 2) and len(first.models) == 3 and len(first.test_acc) == 3
    assert [h.train_loss for h in first.histories] == [h.train_loss for h in again.histories]
    assert first.histories[0].train_loss != first.histories[1].train_loss
    assert len(first.seconds) == 3 and all(s > 0 for s in first.seconds)


def test_fit_seeds_starts_each_seed_from_the_weights_set_seed_gives():
    trained = utils.fit_seeds(tiny_net, blobs(64, 0), seeds=(4,), epochs=1, lr=1e-12).models[0]
    utils.set_seed(4)
    fresh = tiny_net()
    assert torch.allclose(trained.classifier[1].weight, fresh.classifier[1].weight, atol=1e-9)


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(build=None), "build must be a zero-argument callable"),
    (dict(build=lambda: 3), "build must return an nn.Module"),
    (dict(seeds=()), "seeds must be a non-empty"),
    (dict(seeds=(0, 0)), "distinct"),
    (dict(seeds=(0, -1)), "non-negative"),
    (dict(seeds=(0, True)), "non-negative ints"),
])
def test_fit_seeds_rejects_bad_arguments(kwargs, match):
    args = dict(build=tiny_net, seeds=(0, 1)) | kwargs
    with pytest.raises(ValueError, match=match):
        utils.fit_seeds(args.pop("build"), blobs(8, 0), **args)


def test_lenet_head_probe_leaves_the_global_rng_alone():
    # A stochastic downsampler draws while the probe measures the head; the head's initial weights
    # must not depend on those draws, so it equals the head of the same net with max pooling.
    utils.set_seed(0)
    stochastic = utils.lenet(lambda channels: utils.StochasticPool2d(2))
    utils.set_seed(0)
    plain = utils.lenet("max")
    for (name, p), q in zip(stochastic.named_parameters(), plain.parameters(), strict=True):
        assert torch.equal(p, q), name


def test_lenet_strided_puts_the_stride_in_the_convolutions():
    net = utils.lenet("strided")
    assert [m.stride for m in net.features if isinstance(m, nn.Conv2d)] == [(2, 2), (2, 2)]
    assert len(net.features) == 4 and net.classifier[1].in_features == 4 * 4 * 20
    assert utils.count_parameters(net) == utils.count_parameters(utils.lenet("max"))
    once = utils.lenet("strided", downsample_after=1)
    assert [m.stride for m in once.features if isinstance(m, nn.Conv2d)] == [(2, 2), (1, 1)]


def test_lenet_head_probe_leaves_batchnorm_statistics_alone():
    net = utils.lenet(lambda channels: nn.Sequential(nn.BatchNorm2d(channels), nn.MaxPool2d(2)))
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert all(m.num_batches_tracked.item() == 0 and torch.equal(m.running_var, torch.ones_like(m.running_var))
               for m in norms)
    assert net.training and all(m.training for m in net.modules())
