"""Exercise checks: what a learner sees when an answer is missing, wrong or right.

Every exercise in the lessons has a stub, ``def solution_x(...): raise NotImplementedError``, and a
check cell whose body runs inside ``with utils.exercise("Exercise N"):``. The context manager turns the
three possible states into three messages:

- not attempted (the stub raised ``NotImplementedError``): a friendly note, and no error, so that
  *Run All* reaches the end of the lesson;
- wrong: the ``AssertionError`` of the check goes through unchanged; :func:`expect_equal` and
  :func:`expect_tensor` word it as "``call`` returned ..., expected ...";
- right: "all checks passed".

For grading (the nbgrader export, ``scripts/editions.py``) the check cells pass ``graded=True``: there
an unattempted exercise fails like a wrong one, so it earns no points.
"""

from __future__ import annotations

import math
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from ._checks import check_flag

SOLUTION_PREFIX = "solution_"


def _stub_name(error: BaseException) -> str | None:
    """The name of the ``solution_*`` function that raised `error` itself, or None.

    Only the innermost frame counts: a ``NotImplementedError`` raised deeper down (by torch, or by a
    helper the solution calls) is a real error and must not pass for "not attempted".
    """
    tb: types.TracebackType | None = error.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    name = tb.tb_frame.f_code.co_name
    return name if name.startswith(SOLUTION_PREFIX) else None


@contextmanager
def exercise(title: str, graded: bool = False) -> Iterator[None]:
    """Run an exercise's checks and report "not attempted", or let a failed check fail, or confirm.

    Inputs:
    - title: how the exercise is named in the messages, e.g. ``"Exercise 2"``.
    - graded: if True, an unattempted exercise raises ``AssertionError`` instead of printing a note
      (autograding must not give points for a stub).

    Usage::

        with utils.exercise("Exercise 2"):
            utils.expect_tensor(solution_pool(x), F.max_pool2d(x, 2), "solution_pool(x)")
    """
    if not isinstance(title, str) or not title:
        raise ValueError(f"title must be a non-empty str, got {title!r}")
    check_flag(graded, "graded")
    try:
        yield
    except NotImplementedError as error:
        stub = _stub_name(error)
        if stub is None:
            raise
        if graded:
            raise AssertionError(f"{title}: not attempted, `{stub}` still raises NotImplementedError") from None
        print(f"{title}: not attempted yet. Replace the body of `{stub}` with your answer, "
              "run its cell, then run this cell again.")
        return
    print(f"{title}: all checks passed")


def expect_equal(got: Any, expected: Any, call: str, *, rel_tol: float = 0.0) -> None:
    """Raise ``AssertionError("call returned got, expected expected")`` unless ``got == expected``.

    For plain Python values (numbers, tuples, lists, bools, strings); use :func:`expect_tensor` for
    tensors. A bool is not accepted for a number or the other way round (``True == 1`` in Python).
    With ``rel_tol > 0``, two real numbers pass when ``math.isclose(got, expected, rel_tol=rel_tol)``.
    """
    same = isinstance(got, bool) == isinstance(expected, bool)
    if same and rel_tol > 0 and all(isinstance(v, int | float) for v in (got, expected)):
        same = math.isclose(got, expected, rel_tol=rel_tol)
    else:
        same = same and bool(got == expected)
    if not same:
        raise AssertionError(f"{call} returned {got!r}, expected {expected!r}")


def expect_tensor(got: Any, expected: torch.Tensor, call: str, *, atol: float = 0.0, rtol: float = 0.0) -> None:
    """Raise an ``AssertionError`` naming `call` unless `got` is a tensor equal to `expected`.

    The checks go from coarse to fine, so the message names the first thing that is off: not a tensor,
    the shape, the dtype, NaNs in other places, then values further apart than
    ``|got - expected| <= atol + rtol * |expected|`` (exact equality with the default 0, 0), with how
    many entries differ and the first of them. ``torch.testing.assert_close`` checks the same things;
    this message says which call of the learner's function was wrong.
    """
    if not isinstance(got, torch.Tensor):
        raise AssertionError(f"{call} returned a {type(got).__name__}, expected a tensor of shape "
                             f"{tuple(expected.shape)}")
    if got.shape != expected.shape:
        raise AssertionError(f"{call} returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}")
    if got.dtype != expected.dtype:
        raise AssertionError(f"{call} returned dtype {got.dtype}, expected {expected.dtype}")
    got, expected = got.detach().cpu(), expected.detach().cpu()
    if got.is_floating_point() or got.is_complex():
        wrong = ~torch.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        wrong = got != expected
    if wrong.any():
        where = tuple(int(i) for i in wrong.nonzero()[0])
        raise AssertionError(f"{call} is wrong at {int(wrong.sum())} of {wrong.numel()} entries; the first is "
                             f"{list(where)}: got {got[where].item()!r}, expected {expected[where].item()!r}")
