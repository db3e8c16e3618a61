"""A probe of every public ``utils`` operator and layer at its edges, generated from one table.

Each case is a call with one unusual input: NaN/inf values, float16, empty and meta tensors, vmap,
huge and degenerate arguments, wrong types, non-bool flags. A case is *valid* (torch accepts it, or
the operator has no torch counterpart and the input is in its domain) or names the *bad* parameter.

Outcomes:
- valid: ``equal to torch`` (values, NaN/inf placement, dtype, shape, indices) or ``ok`` (a property
  of an operator without counterpart); otherwise ``silently wrong`` or ``raw error on valid input``;
- bad: ``clean error`` (a ValueError or TypeError whose message names the parameter); otherwise
  ``error names no or the wrong parameter``, ``raw error on invalid input`` or ``accepted silently``;
- any call that takes more than a second: ``hang``.

``python tests/probe.py`` prints the counts by outcome and every case that is not clean.
"""

from __future__ import annotations

import math
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

import utils

GOOD = {"equal to torch", "ok", "clean error"}
SECONDS = 1.0


@dataclass
class Case:
    name: str
    call: Callable[[], Any]
    reference: Callable[[], Any] | None = None  # torch's answer for a valid input
    bad: str | None = None  # the parameter a clean error must name
    check: Callable[[Any], bool] | None = None  # a property of a valid result without torch counterpart


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def _same(ours, theirs) -> bool:
    if isinstance(theirs, tuple | list):
        return isinstance(ours, tuple | list) and len(ours) == len(theirs) and all(map(_same, ours, theirs))
    if isinstance(theirs, torch.Tensor):
        if not isinstance(ours, torch.Tensor) or ours.shape != theirs.shape or ours.dtype != theirs.dtype:
            return False
        if theirs.is_meta or ours.is_meta:
            return ours.is_meta == theirs.is_meta
        if not theirs.is_floating_point():
            return torch.equal(ours, theirs)
        tol = {torch.float16: 2e-3, torch.bfloat16: 1e-2}.get(theirs.dtype, 1e-5)
        return bool(torch.allclose(ours.double(), theirs.double(), rtol=tol, atol=tol, equal_nan=True))
    return ours == theirs


def run(case: Case) -> tuple[str, str]:
    """The outcome of one case, and a detail for the report."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 5 * SECONDS)
    start = time.perf_counter()
    try:
        result, error = case.call(), None
    except _Timeout:
        return "hang", "interrupted after 5 s"
    except Exception as err:  # noqa: BLE001 - classifying every error is the point
        result, error = None, err
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    elapsed = time.perf_counter() - start
    if elapsed > SECONDS:
        return "hang", f"{elapsed:.1f} s"
    if case.bad is None:
        if error is not None:
            if isinstance(error, ValueError | TypeError) and not _from_torch(error) and _torch_refuses(case):
                return "clean error", ""
            return "raw error on valid input", f"{type(error).__name__}: {str(error)[:120]}"
        if case.reference is not None:
            try:
                expected = case.reference()
            except Exception:  # noqa: BLE001 - torch cannot do it here (e.g. float16 on the CPU): any answer will do
                return "ok", ""
            return ("equal to torch", "") if _same(result, expected) else ("silently wrong", _short(result))
        if case.check is not None:
            return ("ok", "") if case.check(result) else ("silently wrong", _short(result))
        return "ok", ""
    if error is None:
        return "accepted silently", _short(result)
    if isinstance(error, ValueError | TypeError) and not _from_torch(error):
        if case.bad in str(error):
            return "clean error", ""
        return "error names no or the wrong parameter", f"{type(error).__name__}: {error}"
    return "raw error on invalid input", f"{type(error).__name__}: {str(error)[:120]}"


def _torch_refuses(case: Case) -> bool:
    if case.reference is None:
        return False
    try:
        case.reference()
    except Exception:  # noqa: BLE001
        return True
    return False


def _from_torch(error: Exception) -> bool:
    """An error raised inside torch (or Python's own argument parsing) rather than by utils' checks."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return "/utils/" not in tb.tb_frame.f_code.co_filename.replace("\\", "/")


def _short(value) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) < 120 else text[:117] + "..."


# ---------------------------------------------------------------------------------------------- inputs

def _plane(*shape, dtype=torch.float32, low=-2.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(*shape, generator=g, dtype=torch.float64) * (2 - low) + low).to(dtype)


def _with_specials(x: torch.Tensor) -> torch.Tensor:
    x = x.clone()
    flat = x.view(-1)
    flat[0], flat[5], flat[11], flat[-1] = math.nan, math.inf, -math.inf, math.nan
    return x


X = _plane(2, 3, 7, 6)
POS = X.abs() + 0.1  # for operators that need non-negative input
VALID_INPUTS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "nan and inf": _with_specials,
    "float64": lambda x: x.double(),
    "3-D unbatched": lambda x: x[0],
    "zero batch": lambda x: x[:0],
    "float16": lambda x: (x * 5000).half(),
}
BAD_INPUTS: dict[str, Callable[[torch.Tensor], Any]] = {
    "zero channels": lambda x: x[:, :0],
    "zero height": lambda x: x[..., :0, :],
    "2-D": lambda x: x[0, 0],
    "5-D": lambda x: x[None],
    "a list": lambda x: x.tolist(),
    "None": lambda x: None,
    "complex": lambda x: x.to(torch.complex64),
    "bool": lambda x: x > 0,
}
BAD_INTS = {"0": 0, "-1": -1, "1.5": 1.5, "True": True, "2**63": 2**63, "'2'": "2", "None": None}
BAD_FLAGS = {"'False'": "False", "None": None, "1": 1}
# Entries of BAD_INTS that are fine for some parameters: a stride of None is the kernel size, an
# output size of None keeps the input's, padding may be 0, and GeM without a kernel pools globally.
VALID_SETTINGS = {("stride", "None"), ("output_size", "None"), ("padding", "0"), ("gem_pool2d", "kernel_size", "None")}


# ------------------------------------------------------------------------------------------- the table

@dataclass
class Op:
    """One operator: how utils and torch call it, its geometry parameters and its flags."""

    name: str
    ours: Callable[..., Any]
    theirs: Callable[..., Any] | None
    kwargs: dict[str, Any]
    ints: tuple[str, ...] = ()  # parameters that take a positive (or non-negative) int or pair
    flags: tuple[str, ...] = ()
    x: torch.Tensor = X
    floating_only: bool = True
    check: Callable[[Any], bool] | None = None
    valid_inputs: tuple[str, ...] = tuple(VALID_INPUTS)
    bad_inputs: tuple[str, ...] = tuple(BAD_INPUTS)


def _finite_or_nan(y) -> bool:
    y = y[0] if isinstance(y, tuple) else y
    return isinstance(y, torch.Tensor)


OPS = [
    Op("max_pool2d", utils.max_pool2d, F.max_pool2d,
       dict(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True, return_indices=True),
       ints=("kernel_size", "stride", "padding", "dilation"), flags=("ceil_mode", "return_indices"),
       floating_only=False),
    Op("fast_max_pool2d", utils.fast_max_pool2d, F.max_pool2d,
       dict(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True, return_indices=True),
       ints=("kernel_size", "stride", "padding", "dilation"), flags=("ceil_mode", "return_indices"),
       floating_only=False),
    Op("avg_pool2d", utils.avg_pool2d, F.avg_pool2d,
       dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
       ints=("kernel_size", "stride", "padding"), flags=("ceil_mode", "count_include_pad")),
    Op("lp_pool2d", lambda x, **k: utils.lp_pool2d(x, 2.0, **k), lambda x, **k: F.lp_pool2d(x, 2.0, **k),
       dict(kernel_size=2, stride=2, ceil_mode=False), ints=("kernel_size", "stride"), flags=("ceil_mode",)),
    Op("adaptive_avg_pool2d", utils.adaptive_avg_pool2d, F.adaptive_avg_pool2d, dict(output_size=(3, 4)),
       ints=("output_size",)),
    Op("adaptive_max_pool2d", utils.adaptive_max_pool2d, F.adaptive_max_pool2d,
       dict(output_size=(3, 4), return_indices=True), ints=("output_size",), flags=("return_indices",)),
    Op("local_response_norm", utils.local_response_norm, F.local_response_norm,
       dict(size=3, alpha=1e-2, beta=0.75, k=1.0), ints=("size",),
       bad_inputs=("2-D", "a list", "None", "complex", "bool")),
    Op("mixed_pool2d", lambda x, **k: utils.mixed_pool2d(x, 0.3, **k), None, dict(kernel_size=2, stride=2),
       ints=("kernel_size", "stride"), check=_finite_or_nan),
    Op("soft_pool2d", utils.soft_pool2d, None, dict(kernel_size=2, stride=2), ints=("kernel_size", "stride"),
       check=_finite_or_nan, valid_inputs=("float64", "3-D unbatched", "zero batch", "float16")),
    Op("stochastic_pool2d", lambda x, **k: utils.stochastic_pool2d(x, **k, training=False), None,
       dict(kernel_size=2, stride=2), ints=("kernel_size", "stride"), x=POS, check=_finite_or_nan,
       valid_inputs=("float64", "3-D unbatched", "zero batch", "float16")),
    Op("gem_pool2d", utils.gem_pool2d, None, dict(p=3.0, kernel_size=2, stride=2), ints=("kernel_size", "stride"),
       x=POS, check=_finite_or_nan, valid_inputs=("float64", "3-D unbatched", "zero batch")),
    Op("blur_pool2d", utils.blur_pool2d, None, dict(filter_size=3, stride=2), ints=("filter_size", "stride"),
       check=_finite_or_nan, valid_inputs=("float64", "3-D unbatched", "zero batch")),
    Op("max_blur_pool2d", utils.max_blur_pool2d, None, dict(kernel_size=2, stride=2, filter_size=3),
       ints=("kernel_size", "stride", "filter_size"), check=_finite_or_nan,
       valid_inputs=("float64", "3-D unbatched", "zero batch")),
    Op("weighted_avg_pool2d",
       lambda x, **k: utils.weighted_avg_pool2d(x, torch.full((2, 2), 0.25, device=getattr(x, "device", "cpu")), **k),
       lambda x, **k: F.avg_pool2d(x, 2, **k), dict(stride=2, padding=1), ints=("stride", "padding"),
       valid_inputs=("nan and inf", "float64", "3-D unbatched", "zero batch")),
]

LAYERS = [
    ("BlurPool2d", utils.BlurPool2d, dict(filter_size=3, stride=2)),
    ("MaxBlurPool2d", utils.MaxBlurPool2d, dict(kernel_size=2, stride=2, filter_size=3)),
    ("SoftPool2d", utils.SoftPool2d, dict(kernel_size=2, stride=2)),
    ("StochasticPool2d", utils.StochasticPool2d, dict(kernel_size=2, stride=2)),
    ("MixedPool2d", utils.MixedPool2d, dict(kernel_size=2, stride=2)),
    ("WeightedAvgPool2d", lambda **k: utils.WeightedAvgPool2d(3, **k), dict(kernel_size=2, stride=2)),
]


def _op_cases(op: Op) -> list[Case]:
    cases = []

    def ours(x, **changes):
        return lambda: op.ours(x, **(op.kwargs | changes))

    def theirs(x, **changes):
        return None if op.theirs is None else (lambda: op.theirs(x, **(op.kwargs | changes)))

    for label in op.valid_inputs:
        x = VALID_INPUTS[label](op.x)
        cases.append(Case(f"{op.name}: {label}", ours(x), theirs(x), check=op.check))
    grad_x = op.x.clone().requires_grad_()
    cases.append(Case(f"{op.name}: requires_grad", lambda: _detach(op.ours(grad_x, **op.kwargs)),
                      theirs(op.x), check=op.check))
    if op.theirs is not None:
        for label in ("nan and inf", "float64", "zero batch"):
            x = VALID_INPUTS[label](op.x)
            cases.append(Case(f"{op.name}: gradient, {label}", lambda x=x: _gradient(op.ours, x, op.kwargs),
                              lambda x=x: _gradient(op.theirs, x, op.kwargs)))
    meta = op.x.to("meta")
    cases.append(Case(f"{op.name}: meta tensor", ours(meta), theirs(meta), check=op.check))
    cases.append(Case(f"{op.name}: vmap over the batch", _vmapped(op), lambda op=op: _looped(op), check=op.check))
    for label in op.bad_inputs:
        cases.append(Case(f"{op.name}: x {label}", ours(BAD_INPUTS[label](op.x)), bad="x"))
    if op.floating_only:
        cases.append(Case(f"{op.name}: x int64", ours(op.x.long()), bad="x"))
    for param in op.ints:
        for label, value in BAD_INTS.items():
            if (param, label) in VALID_SETTINGS or (op.name, param, label) in VALID_SETTINGS:
                continue
            cases.append(Case(f"{op.name}: {param}={label}", ours(op.x, **{param: value}), bad=param))
    for flag in op.flags:
        for label, value in BAD_FLAGS.items():
            cases.append(Case(f"{op.name}: {flag}={label}", ours(op.x, **{flag: value}), bad=flag))
    return cases


def _gradient(fn, x, kwargs):
    """The gradient of a fixed weighted sum of the outputs (values only, not indices)."""
    leaf = x.clone().requires_grad_()
    y = _first(fn(leaf, **kwargs))
    weights = torch.linspace(-1, 1, y.numel(), dtype=y.dtype).view(y.shape)
    (y * weights).nan_to_num(0.0).sum().backward()
    return leaf.grad


def _detach(y):
    return tuple(t.detach() for t in y) if isinstance(y, tuple) else y.detach()


def _vmapped(op: Op):
    def call():
        return torch.func.vmap(lambda t: _first(op.ours(t, **op.kwargs)))(op.x)
    return call


def _looped(op: Op):
    return torch.stack([_first(op.ours(t, **op.kwargs)) for t in op.x])


def _first(y):
    return y[0] if isinstance(y, tuple) else y


def _layer_cases() -> list[Case]:
    cases = []
    for name, make, kwargs in LAYERS:
        for param in kwargs:
            for label, value in BAD_INTS.items():
                if value is None and param == "stride":
                    continue
                cases.append(Case(f"{name}({param}={label})", lambda make=make, k=kwargs | {param: value}: make(**k),
                                  bad=param))
    return cases


def _unpool_cases() -> list[Case]:
    """max_unpool2d needs indices that match its values, so its table is written out here."""
    pooled, indices = F.max_pool2d(X, 2, return_indices=True)  # X is 7x6: output_size is needed
    args = dict(kernel_size=2, output_size=(7, 6))

    def both(values, label, **changes):
        return Case(f"max_unpool2d: {label}", lambda: utils.max_unpool2d(values, indices, **(args | changes)),
                    lambda: F.max_unpool2d(values, indices, **(args | changes)))

    cases = [both(_with_specials(pooled), "nan and inf"), both(pooled.double(), "float64"),
             both(pooled.half(), "float16"),
             Case("max_unpool2d: zero batch", lambda: utils.max_unpool2d(pooled[:0], indices[:0], **args),
                  lambda: F.max_unpool2d(pooled[:0], indices[:0], **args)),
             Case("max_unpool2d: meta tensors",
                  lambda: utils.max_unpool2d(pooled.to("meta"), indices.to("meta"), **args),
                  lambda: F.max_unpool2d(pooled.to("meta"), indices.to("meta"), **args)),
             Case("max_unpool2d: gradient", lambda: _gradient(lambda t, **k: utils.max_unpool2d(t, indices, **k),
                                                              pooled, args),
                  lambda: _gradient(lambda t, **k: F.max_unpool2d(t, indices, **k), pooled, args)),
             Case("max_unpool2d: x a list", lambda: utils.max_unpool2d(pooled.tolist(), indices, **args), bad="x"),
             Case("max_unpool2d: indices int32", lambda: utils.max_unpool2d(pooled, indices.int(), **args),
                  bad="indices"),
             Case("max_unpool2d: indices of a 6x5 plane, unpooled to 6x4",
                  lambda: utils.max_unpool2d(*F.max_pool2d(X[..., :6, :5], 2, return_indices=True), 2),
                  bad="output_size"),
             Case("max_unpool2d: output_size=2**62", lambda: utils.max_unpool2d(pooled, indices, 2,
                                                                                output_size=(2**62, 6)),
                  bad="output_size")]
    for param in ("kernel_size", "stride", "padding"):
        for label, value in BAD_INTS.items():
            if (param, label) in VALID_SETTINGS:
                continue
            cases.append(Case(f"max_unpool2d: {param}={label}",
                              lambda k={param: value}: utils.max_unpool2d(pooled, indices, **(args | k)), bad=param))
    return cases


def _special_cases() -> list[Case]:
    """The examples of the issue that do not fit the table's pattern."""
    nan_grid = torch.arange(16.0).reshape(1, 1, 4, 4)
    nan_grid[0, 0, 0, 0] = math.nan
    column = torch.arange(1.0, 8.0).reshape(1, 1, 7, 1)
    column_grad = column.clone().requires_grad_()
    geometry = dict(kernel_size=(3, 2), stride=1, padding=(0, 1), dilation=(3, 2))
    big = torch.full((1, 1, 6, 6), 10000.0, dtype=torch.float16)
    signs = _plane(1, 2, 4, 4)
    labels_2d = torch.zeros(10, 1, dtype=torch.long)
    always_zero = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 10))
    with torch.no_grad():
        always_zero[1].weight.zero_()
        always_zero[1].bias.copy_(torch.arange(10.0, 0, -1))
    return [
        Case("adaptive_avg_pool2d: one NaN", lambda: utils.adaptive_avg_pool2d(nan_grid, (1, 4)),
             lambda: F.adaptive_avg_pool2d(nan_grid, (1, 4))),
        Case("avg_pool2d: float16 sum overflow", lambda: utils.avg_pool2d(big, 3), lambda: F.avg_pool2d(big, 3)),
        Case("lp_pool2d: p=inf", lambda: utils.lp_pool2d(signs, math.inf, 2), lambda: F.lp_pool2d(signs, math.inf, 2)),
        Case("gem_pool2d: p=inf is the max", lambda: utils.gem_pool2d(signs.abs() + 0.1, math.inf),
             check=lambda y: torch.allclose(y, (signs.abs() + 0.1).amax((-2, -1), keepdim=True))),
        Case("lp_pool2d: p=tensor(-2.0)", lambda: utils.lp_pool2d(signs, torch.tensor(-2.0), 2), bad="norm_type"),
        Case("gem_pool2d: p=tensor(-2.0)", lambda: utils.gem_pool2d(signs.abs(), torch.tensor(-2.0)), bad="p"),
        Case("mixed_pool2d: alpha=tensor(2.0)", lambda: utils.mixed_pool2d(signs, torch.tensor(2.0), 2), bad="alpha"),
        *[case for pool in (utils.max_pool2d, utils.fast_max_pool2d) for case in (
            Case(f"{pool.__name__}: window in the padding, no grad",
                 lambda pool=pool: pool(column, **geometry), lambda: F.max_pool2d(column, **geometry)),
            Case(f"{pool.__name__}: window in the padding, with grad",
                 lambda pool=pool: pool(column_grad, **geometry).detach(), lambda: F.max_pool2d(column, **geometry)),
        )],
        Case("avg_pool2d: divisor_override=True", lambda: utils.avg_pool2d(signs, 2, divisor_override=True),
             bad="divisor_override"),
        Case("max_pool2d: kernel 10**6 on 3x3 (the reference refuses)",
             lambda: utils.max_pool2d(torch.ones(1, 1, 3, 3), 10**6, 1, 5 * 10**5), bad="kernel_size"),
        Case("fast_max_pool2d: kernel 10**6 on 3x3",
             lambda: utils.fast_max_pool2d(torch.ones(1, 1, 3, 3), 10**6, 1, 5 * 10**5),
             lambda: F.max_pool2d(torch.ones(1, 1, 3, 3), 10**6, 1, 5 * 10**5)),
        Case("fast_max_pool2d: kernel 10**6 on 3x3, indices",
             lambda: utils.fast_max_pool2d(torch.ones(1, 1, 3, 3), 10**6, 1, 5 * 10**5, return_indices=True),
             lambda: F.max_pool2d(torch.ones(1, 1, 3, 3), 10**6, 1, 5 * 10**5, return_indices=True)),
        Case("adaptive_bins(5, 2**40)", lambda: utils.adaptive_bins(5, 2**40), bad="out"),
        Case("adaptive_avg_pool2d: output_size=2**62", lambda: utils.adaptive_avg_pool2d(signs, 2**62),
             bad="output_size"),
        Case("binomial_filter(69) has no NaN", lambda: utils.binomial_filter(69),
             check=lambda f: bool(torch.isfinite(f).all()) and abs(float(f.sum()) - 1) < 1e-5),
        Case("binomial_filter(10**4)", lambda: utils.binomial_filter(10**4), bad="size"),
        Case("blur_pool2d: filter_size=0", lambda: utils.blur_pool2d(signs, filter_size=0), bad="filter_size"),
        Case("bilinear_pool: empty H", lambda: utils.bilinear_pool(signs[..., :0, :]), bad="x"),
        Case("bilinear_pool: mixed dtypes", lambda: utils.bilinear_pool(signs, signs.double()), bad="y"),
        Case("weighted_avg_pool2d: meta weight",
             lambda: utils.weighted_avg_pool2d(signs, torch.ones(2, 2, device="meta")), bad="weight"),
        Case("weighted_avg_pool2d: weight a list", lambda: utils.weighted_avg_pool2d(signs, [[0.5, 0.5]]),
             bad="weight"),
        Case("lp_pool2d: norm_type None", lambda: utils.lp_pool2d(signs, None, 2), bad="norm_type"),
        Case("count_sketch: v a list", lambda: utils.count_sketch([1.0, 2.0], torch.tensor([0, 1]),
                                                                   torch.tensor([1.0, -1.0]), 4), bad="v"),
        Case("TensorSketch: float16", lambda: utils.TensorSketch(4, output_dim=16)(torch.ones(2, 4).half()),
             check=lambda y: y.dtype == torch.float16 and y.shape == (2, 16)),
        Case("local_response_norm: zero channels",
             lambda: utils.local_response_norm(signs[:, :0], 3), lambda: F.local_response_norm(signs[:, :0], 3)),
        Case("evaluate: (N, 1) labels", lambda: utils.evaluate(always_zero, (torch.zeros(10, 1, 2, 2), labels_2d)),
             bad="labels"),
        Case("load_mnist(train='test')", lambda: utils.load_mnist(train="test"), bad="train"),
        Case("window_positions: stride 0", lambda: utils.window_positions(0, 2, 0), bad="stride"),
        Case("plot_grid: bfloat16", lambda: _plot(torch.ones(3, 3, dtype=torch.bfloat16)), check=lambda ok: ok),
    ]


def _plot(values) -> bool:
    import matplotlib.pyplot as plt

    ax = utils.plot_grid(values)
    plt.close(ax.figure)
    return True


def warm_up() -> None:
    """The first operations on meta tensors load torch's Python meta kernels, once, which takes seconds."""
    meta = torch.ones(1, 1, 4, 4, device="meta")
    (F.pad(meta, (1, 1, 1, 1)).unfold(-1, 2, 1).sum(-1) / 2).amax(-1)


def cases() -> list[Case]:
    return [case for op in OPS for case in _op_cases(op)] + _layer_cases() + _unpool_cases() + _special_cases()


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    torch.set_num_threads(1)
    warm_up()
    outcomes = Counter()
    for case in cases():
        outcome, detail = run(case)
        outcomes[outcome] += 1
        if outcome not in GOOD:
            print(f"{outcome:40s} {case.name}  {detail}"[:220])
    print(f"\n{sum(outcomes.values())} calls:", dict(outcomes.most_common()))


if __name__ == "__main__":
    main()
