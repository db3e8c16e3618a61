"""The learner, solved and nbgrader editions of the exercises (scripts/editions.py).

- Every lesson follows the four-cell exercise format, has at least three exercises, and its stored
  outputs show each check saying "not attempted yet" (nbval keeps them so).
- The solved edition runs top to bottom, every check says "all checks passed", and every plausible
  wrong answer in tests/wrong_answers/NN_name.py makes its check fail with an AssertionError: that is
  how we know the checks can fail.
- The nbgrader source course releases notebooks without answers, and nbgrader grades the solved lesson
  with full marks and the unattempted one with none.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import editions
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WRONG_DIR = Path(__file__).resolve().parent / "wrong_answers"
ids = [path.stem[:2] for path in NOTEBOOKS]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def wrong_answers(path: Path) -> dict[str, dict[str, str]]:
    spec = importlib.util.spec_from_file_location(f"wrong_answers_{path.stem}", WRONG_DIR / f"{path.stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG_ANSWERS


def stdout_of(cell: nbformat.NotebookNode) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", []) if out.get("name") == "stdout")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_learner_edition_has_stubs_and_unattempted_checks(path):
    notebook = read(path)
    found = editions.exercises(notebook, path.name)  # raises EditionError on any departure from the format
    assert len(found) >= 3, f"{path.name} has {len(found)} exercises, at least 3 are required"
    for exercise in found:
        out = stdout_of(notebook.cells[exercise.check])
        assert out.startswith(f"Exercise {exercise.number}: not attempted yet."), (path.name, exercise.number, out)
        assert "Traceback" not in out
    names = [name for exercise in found for name in exercise.names]
    assert len(names) == len(set(names)), f"{path.name}: a solution_ name is used by two exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_stub_has_wrong_answers(path):
    names = {name for exercise in editions.exercises(read(path), path.name) for name in exercise.names}
    wrong = wrong_answers(path)
    assert set(wrong) <= names, f"wrong answers for unknown stubs: {sorted(set(wrong) - names)}"
    missing = [exercise.number for exercise in editions.exercises(read(path)) if not set(exercise.names) & set(wrong)]
    assert not missing, f"exercises without a wrong answer: {missing}"
    for name, answers in wrong.items():
        for label, source in answers.items():
            assert f"def {name}(" in source, f"{name}, {label!r}: the source must define {name}"


def run(client: NotebookClient, source: str, index: int) -> CellExecutionError | None:
    cell = nbformat.v4.new_code_cell(source)
    try:
        client.execute_cell(cell, index)
    except CellExecutionError as err:
        return err
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_solved_edition_passes_and_every_wrong_answer_fails(path):
    notebook = editions.solved(read(path), path.name)
    found = {exercise.check: exercise for exercise in editions.exercises(read(path), path.name)}
    wrong = wrong_answers(path)
    client = NotebookClient(notebook, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(path.parent)}})
    problems = []
    with client.setup_kernel(env={**os.environ, "CUDA_VISIBLE_DEVICES": ""}):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            exercise = found.get(index)
            if exercise is None:
                continue
            passed = f"Exercise {exercise.number}: all checks passed"
            assert passed in stdout_of(cell), f"{path.name}, exercise {exercise.number}: {stdout_of(cell)!r}"
            right = notebook.cells[exercise.stub].source
            for name in exercise.names:
                for label, source in wrong.get(name, {}).items():
                    # the right answers first, so that only this function is wrong
                    assert run(client, right, index) is None
                    error = run(client, source, index)
                    assert error is None, f"{name}, {label!r}: the wrong answer itself does not run: {error}"
                    error = run(client, cell.source, index)
                    if error is None:
                        problems.append(f"exercise {exercise.number}, {label!r}: the check passed")
                    elif error.ename != "AssertionError":
                        problems.append(f"exercise {exercise.number}, {label!r}: {error.ename}: {error.evalue} "
                                        "(a wrong answer must fail with an AssertionError that explains it)")
            assert run(client, right, index) is None  # the right answers back for the cells below
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_solved_replaces_stubs_by_answers_only():
    path = NOTEBOOKS[0]
    learner, solved = read(path), editions.solved(read(path), path.name)
    found = editions.exercises(learner, path.name)
    changed = [i for i, (a, b) in enumerate(zip(learner.cells, solved.cells, strict=True)) if a.source != b.source]
    assert changed == [exercise.stub for exercise in found]
    for exercise in found:
        assert solved.cells[exercise.stub].source == exercise.answer
        assert "NotImplementedError" not in exercise.answer


def test_format_errors_name_the_problem():
    notebook = read(NOTEBOOKS[0])
    exercise = editions.exercises(notebook)[0]
    broken = nbformat.from_dict(notebook)
    broken.cells[exercise.stub].source = exercise.answer  # an answer left in the stub
    with pytest.raises(editions.EditionError, match="must be `raise NotImplementedError`"):
        editions.exercises(broken)
    broken = nbformat.from_dict(notebook)
    broken.cells[exercise.check].source = broken.cells[exercise.check].source.replace("Exercise 1", "Exercise 2")
    with pytest.raises(editions.EditionError, match="must be the check"):
        editions.exercises(broken)
    broken = nbformat.from_dict(notebook)
    stub = broken.cells[exercise.stub]
    stub.source = stub.source.replace("solution_shapes()", "solution_shapes(n)")
    with pytest.raises(editions.EditionError, match="takes"):
        editions.exercises(broken)


def test_grader_source_marks_answers_and_drops_the_details():
    path = NOTEBOOKS[0]
    learner, source = read(path), editions.grader_source(read(path), path.name)
    found = editions.exercises(learner, path.name)
    assert len(source.cells) == len(learner.cells) - len(found)
    assert not any(cell.source.startswith("<details>") for cell in source.cells)
    solutions = [cell for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")]
    tests = [cell for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert len(solutions) == len(tests) == len(found)
    for cell, exercise in zip(solutions, found, strict=True):
        assert cell.source.count("### BEGIN SOLUTION") == cell.source.count("### END SOLUTION") == len(exercise.names)
        namespace: dict = {}
        exec(compile(cell.source, "<answer>", "exec"), namespace)  # valid Python, defines the names
        assert set(exercise.names) <= set(namespace)
    assert all("graded=True" in cell.source and cell.metadata.nbgrader.locked for cell in tests)


NBGRADER_MISSING = importlib.util.find_spec("nbgrader") is None


@pytest.mark.skipif(NBGRADER_MISSING and os.environ.get("CI") != "true",
                    reason="nbgrader is not installed: pip install -e '.[grader]' (make grader does)")
def test_nbgrader_releases_without_answers_and_grades_the_solution(tmp_path, monkeypatch):
    assert not NBGRADER_MISSING, "CI must test the nbgrader export: install the grader extra"
    path = NOTEBOOKS[0]
    lesson = path.stem
    editions.write_grader([path], tmp_path)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    # nbgrader runs the `alembic` command of its environment: put this Python's bin/ first on PATH
    path_with_bin = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "PATH": path_with_bin}

    def call(*args: str) -> None:
        done = subprocess.run([*nbgrader, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"

    call("generate_assignment", lesson, "--force")
    released = read(tmp_path / "release" / lesson / path.name)
    assert not any("BEGIN SOLUTION" in cell.source or "<details>" in cell.source for cell in released.cells)
    answers = [cell for cell in released.cells if cell.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == len(editions.exercises(read(path)))
    for cell in answers:  # nbgrader's stubs: "# YOUR CODE HERE" and raise NotImplementedError()
        assert "# YOUR CODE HERE" in cell.source
        assert all(editions._is_stub(fn) for fn in editions._functions(cell.source, cell.metadata.nbgrader.grade_id))

    submitted = tmp_path / "submitted"
    shutil.copy(tmp_path / "source" / lesson / path.name, (submitted / "solver" / lesson).mkdir(parents=True) or
                submitted / "solver" / lesson / path.name)
    shutil.copy(tmp_path / "release" / lesson / path.name, (submitted / "idler" / lesson).mkdir(parents=True) or
                submitted / "idler" / lesson / path.name)
    call("autograde", lesson, "--force")
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", env["PATH"])
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        scores = {student: (gradebook.find_submission(lesson, student).score,
                            gradebook.find_submission(lesson, student).max_score) for student in ("solver", "idler")}
    full = len(editions.exercises(read(path))) * editions.POINTS
    assert scores == {"solver": (full, full), "idler": (0, full)}, scores


def test_make_solutions_writes_the_solved_lesson_run_with_every_check_passing(tmp_path, capsys):
    path = NOTEBOOKS[0]
    assert editions.main(["solutions", "--out", str(tmp_path), str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / path.name}"
    notebook = read(tmp_path / path.name)
    for exercise in editions.exercises(read(path), path.name):
        assert notebook.cells[exercise.stub].source == exercise.answer
        assert stdout_of(notebook.cells[exercise.check]).rstrip().endswith(
            f"Exercise {exercise.number}: all checks passed"), exercise.number


def test_make_grader_writes_a_course_and_refuses_a_broken_notebook(tmp_path, capsys):
    assert editions.main(["grader", "--out", str(tmp_path / "course"), *map(str, NOTEBOOKS[:1])]) == 0
    assert (tmp_path / "course" / "nbgrader_config.py").is_file()
    assert (tmp_path / "course" / "source" / NOTEBOOKS[0].stem / NOTEBOOKS[0].name).is_file()
    broken = read(NOTEBOOKS[0])
    stub = editions.exercises(broken)[0].stub
    broken.cells[stub].source = broken.cells[stub].source.replace("raise NotImplementedError", "return []")
    nbformat.write(broken, tmp_path / "broken.ipynb")
    assert editions.main(["grader", "--out", str(tmp_path / "course"), str(tmp_path / "broken.ipynb")]) == 1
    assert "must be `raise NotImplementedError`" in capsys.readouterr().err


def test_the_editions_have_make_targets_and_a_pinned_grader_extra():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = ("solutions: $(STAMP)", "slides-solutions: solutions", "grader: $(GRADER)", "unit: $(STAMP) $(GRADER)")
    for target in targets:
        assert f"\n{target}" in makefile, target
    assert 'grader = ["nbgrader==0.9.6"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
