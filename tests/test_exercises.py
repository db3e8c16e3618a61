"""utils.exercise, expect_equal and expect_tensor: the three states of an exercise check."""

import pytest
import torch

import utils


def solution_stub():
    raise NotImplementedError


def solution_calls_unfinished_helper():
    return helper_not_written_yet()


def helper_not_written_yet():
    raise NotImplementedError("a real error, not a stub")


def test_a_stub_prints_not_attempted_and_does_not_raise(capsys):
    with utils.exercise("Exercise 7"):
        solution_stub()
        raise AssertionError("never reached")
    out = capsys.readouterr().out
    assert out.startswith("Exercise 7: not attempted yet.") and "`solution_stub`" in out


def test_a_right_answer_is_confirmed(capsys):
    with utils.exercise("Exercise 1"):
        utils.expect_equal(2 + 2, 4, "add(2, 2)")
    assert capsys.readouterr().out == "Exercise 1: all checks passed\n"


def test_a_wrong_answer_fails_with_its_message(capsys):
    with pytest.raises(AssertionError, match=r"add\(2, 2\) returned 5, expected 4"):
        with utils.exercise("Exercise 1"):
            utils.expect_equal(5, 4, "add(2, 2)")
    assert capsys.readouterr().out == ""


def test_not_implemented_from_deeper_down_is_a_real_error():
    with pytest.raises(NotImplementedError, match="a real error"):
        with utils.exercise("Exercise 1"):
            solution_calls_unfinished_helper()


def test_graded_checks_fail_on_a_stub():
    with pytest.raises(AssertionError, match="Exercise 3: not attempted, `solution_stub`"):
        with utils.exercise("Exercise 3", graded=True):
            solution_stub()


@pytest.mark.parametrize("title", ["", None, 3])
def test_exercise_refuses_a_bad_title(title):
    with pytest.raises(ValueError, match="title"):
        with utils.exercise(title):
            pass


def test_exercise_refuses_a_non_bool_graded():
    with pytest.raises(TypeError, match="graded"):
        with utils.exercise("Exercise 1", graded=1):
            pass


@pytest.mark.parametrize(
    ("got", "expected", "rel_tol", "ok"),
    [
        ((1, 2), (1, 2), 0.0, True),
        (torch.Size([1, 2]), (1, 2), 0.0, True),
        ((1, 3), (1, 2), 0.0, False),
        (True, 1, 0.0, False),
        (1, True, 0.0, False),
        (0.1 + 0.2, 0.3, 0.0, False),
        (0.1 + 0.2, 0.3, 1e-12, True),
        (0.31, 0.3, 1e-3, False),
    ],
)
def test_expect_equal(got, expected, rel_tol, ok):
    if ok:
        utils.expect_equal(got, expected, "f()", rel_tol=rel_tol)
    else:
        with pytest.raises(AssertionError, match=r"f\(\) returned"):
            utils.expect_equal(got, expected, "f()", rel_tol=rel_tol)


def test_expect_tensor_names_the_first_difference():
    expected = torch.arange(6.0).reshape(2, 3)
    utils.expect_tensor(expected.clone(), expected, "f(x)")
    with pytest.raises(AssertionError, match=r"f\(x\) returned a list"):
        utils.expect_tensor([0.0], expected, "f(x)")
    with pytest.raises(AssertionError, match=r"returned shape \(3, 2\), expected \(2, 3\)"):
        utils.expect_tensor(expected.reshape(3, 2), expected, "f(x)")
    with pytest.raises(AssertionError, match="dtype torch.int64"):
        utils.expect_tensor(expected.long(), expected, "f(x)")
    wrong = expected.clone()
    wrong[1, 0] = 9.0
    with pytest.raises(AssertionError, match=r"wrong at 1 of 6 entries; the first is \[1, 0\]: got 9.0, expected 3.0"):
        utils.expect_tensor(wrong, expected, "f(x)")


def test_expect_tensor_tolerance_and_nans():
    expected = torch.tensor([1.0, float("nan")])
    utils.expect_tensor(torch.tensor([1.0 + 1e-7, float("nan")]), expected, "f(x)", rtol=1e-6)
    with pytest.raises(AssertionError, match="wrong at 1 of 2"):
        utils.expect_tensor(torch.tensor([1.0 + 1e-7, float("nan")]), expected, "f(x)")
    with pytest.raises(AssertionError, match=r"the first is \[1\]"):
        utils.expect_tensor(torch.tensor([1.0, 0.0]), expected, "f(x)")
