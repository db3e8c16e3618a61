"""Experiments over several seeds: train each contender once per seed, summarise, and compare fairly.

One training run is one sample of a noisy process (initial weights, batch order, thread count all move
the last digits of a test accuracy). A claim such as "max pooling beats average pooling" is therefore
about the *mean over seeds*, and it needs the spread to be judged. The helpers here follow the course's
rule: at least five seeds, the same seeds for every contender (a paired design, so the shared part of
the noise cancels), and a ranking only where the paired difference of the means exceeds about two
standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from torch import nn

from .runtime import get_device, set_seed
from .training import Data, History, fit

SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)

# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom (t_{0.975, df}).
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)


def t_quantile_975(df: int) -> float:
    """t_{0.975, df}: the factor that turns a standard error into a 95% half-interval.

    A table up to 30 degrees of freedom, the Cornish-Fisher expansion around z = 1.95996 beyond
    (``scipy.stats.t.ppf(0.975, df)`` to three decimals).
    """
    if not isinstance(df, int) or isinstance(df, bool) or df < 1:
        raise ValueError(f"df must be a positive int, got {df!r}")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _values(values: Sequence[float], name: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}") from err
    if len(out) < 2:
        raise ValueError(f"{name} needs at least 2 values to measure a spread, got {len(out)}")
    if not all(math.isfinite(v) for v in out):
        raise ValueError(f"{name} must hold finite numbers, got {out}")
    return out


@dataclass(frozen=True)
class Summary:
    """Mean and spread of one contender over seeds: ``std`` is the sample standard deviation (n - 1),
    ``se = std / sqrt(n)`` and ``ci95 = mean ± t_{0.975, n-1} se``."""

    n: int
    mean: float
    std: float
    se: float
    ci95: tuple[float, float]

    def __str__(self) -> str:
        return f"{self.mean:.3f} ± {self.std:.3f} (n={self.n})"


def summarize(values: Sequence[float]) -> Summary:
    """Mean, sample standard deviation, standard error and Student-t 95% interval of ``values``."""
    xs = _values(values, "values")
    n = len(xs)
    mean = sum(xs) / n
    std = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    se = std / math.sqrt(n)
    half = t_quantile_975(n - 1) * se
    return Summary(n, mean, std, se, (mean - half, mean + half))


def accuracy_se(accuracy: float, n: int) -> float:
    """Binomial standard error sqrt(p (1 - p) / n) of an accuracy ``p`` measured on ``n`` test images.

    It is the noise of the test set alone: two models that differ by less than about two of these
    cannot be told apart by that test set, however many seeds were run.
    """
    if not 0 <= accuracy <= 1:
        raise ValueError(f"accuracy must lie in [0, 1], got {accuracy!r}")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return math.sqrt(accuracy * (1 - accuracy) / n)


@dataclass(frozen=True)
class Comparison:
    """Paired comparison of contenders ``a`` and ``b`` over the same seeds.

    ``diff`` is the mean of the per-seed differences a - b and ``se`` their standard error; the two are
    ``separated`` when |diff| > z se. ``winner`` is the better one when separated, else None.
    """

    a: str
    b: str
    diff: float
    se: float
    z: float
    higher_is_better: bool

    @property
    def separated(self) -> bool:
        return abs(self.diff) > self.z * self.se

    @property
    def winner(self) -> str | None:
        if not self.separated:
            return None
        a_higher = self.diff > 0
        return self.a if a_higher == self.higher_is_better else self.b

    @property
    def verdict(self) -> str:
        """The conclusion in words and without numbers, so that it reads the same on every machine."""
        if self.winner is None:
            return f"{self.a} and {self.b} cannot be separated"
        loser = self.b if self.winner == self.a else self.a
        return f"{self.winner} beats {loser}"

    def describe(self, digits: int = 3) -> str:
        """The verdict with its numbers: the paired difference, its standard error and their ratio."""
        ratio = abs(self.diff) / self.se if self.se > 0 else math.inf
        return (f"{self.verdict}: {self.a} - {self.b} = {self.diff:+.{digits}f} "
                f"± {self.se:.{digits}f} (paired SE), {ratio:.1f} SE")


def _scores(scores: Mapping[str, Sequence[float]]) -> dict[str, list[float]]:
    if not isinstance(scores, Mapping) or len(scores) == 0:
        raise ValueError(f"scores must be a non-empty mapping name -> per-seed values, got {scores!r}")
    out = {str(name): _values(values, f"scores[{name!r}]") for name, values in scores.items()}
    lengths = {name: len(values) for name, values in out.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"every contender needs one value per seed, the same seeds for all; got lengths {lengths}")
    return out


def compare(scores: Mapping[str, Sequence[float]], *, z: float = 2.0,
            higher_is_better: bool = True) -> list[Comparison]:
    """Every pair of contenders (in insertion order), compared on their per-seed differences.

    ``scores`` maps a contender's name to one value per seed, in the same seed order for every
    contender. Pairing removes the part of the noise the contenders share (the same seed gives the
    same batch order and the same test set), so it separates smaller gaps than comparing two
    independent means would.
    """
    values = _scores(scores)
    if len(values) < 2:
        raise ValueError(f"compare needs at least two contenders, got {list(values)}")
    if not z > 0:
        raise ValueError(f"z must be positive, got {z!r}")
    if not isinstance(higher_is_better, bool):
        raise TypeError(f"higher_is_better must be a bool, got {higher_is_better!r}")
    names = list(values)
    comparisons = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            d = summarize([x - y for x, y in zip(values[a], values[b], strict=True)])
            comparisons.append(Comparison(a, b, d.mean, d.se, float(z), higher_is_better))
    return comparisons


def seed_table(scores: Mapping[str, Sequence[float]], *, digits: int = 3) -> str:
    """A text table: each contender's mean, standard deviation, 95% interval and per-seed values."""
    from .plotting import format_table

    values = _scores(scores)
    rows = []
    for name, xs in values.items():
        s = summarize(xs)
        rows.append({"contender": name, "mean": f"{s.mean:.{digits}f}", "std": f"{s.std:.{digits}f}",
                     "95% interval": f"[{s.ci95[0]:.{digits}f}, {s.ci95[1]:.{digits}f}]",
                     "per seed": " ".join(f"{x:.{digits}f}" for x in xs)})
    return format_table(rows)


@dataclass
class SeedRuns:
    """One contender trained once per seed: the trained models and their histories, in seed order."""

    seeds: tuple[int, ...]
    models: list[nn.Module]
    histories: list[History]

    @property
    def test_acc(self) -> list[float]:
        """Final test accuracy of every seed's model (empty lists if no test data was given)."""
        return [h.test_acc[-1] for h in self.histories if h.test_acc]

    @property
    def seconds(self) -> list[float]:
        """Training time of every seed's model, in seconds."""
        return [h.total_seconds for h in self.histories]


def fit_seeds(build: Callable[[], nn.Module], train_data: Data, test_data: Data | None = None, *,
              seeds: Sequence[int] = SEEDS, device=None, epochs: int = 3, batch_size: int = 64,
              lr: float = 1e-3, progress: bool = False) -> SeedRuns:
    """Train a fresh model per seed: ``set_seed(seed)``, ``build()``, then :func:`fit` with that seed.

    ``build`` is called *after* seeding, so a seed fixes the initial weights as well as the batch
    order; giving two contenders the same ``seeds`` pairs their runs. The models go to ``device``
    (default :func:`get_device`).
    """
    if not callable(build):
        raise ValueError(f"build must be a zero-argument callable returning an nn.Module, got {build!r}")
    seeds = tuple(seeds)
    if not seeds or any(not isinstance(s, int) or isinstance(s, bool) or s < 0 for s in seeds):
        raise ValueError(f"seeds must be a non-empty sequence of non-negative ints, got {seeds!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds!r}")
    device = get_device() if device is None else device
    models, histories = [], []
    for seed in seeds:
        set_seed(seed)
        model = build()
        if not isinstance(model, nn.Module):
            raise ValueError(f"build must return an nn.Module, got {type(model).__name__}")
        model = model.to(device)
        histories.append(fit(model, train_data, test_data, epochs=epochs, batch_size=batch_size, lr=lr,
                             seed=seed, progress=progress))
        models.append(model)
    return SeedRuns(seeds, models, histories)
