"""The three editions of the lessons: learner (notebooks/), solved, and an nbgrader source course.

    python scripts/editions.py solutions [--out build/solutions] [--no-execute] [NB ...]
    python scripts/editions.py grader    [--out build/nbgrader] [NB ...]

notebooks/ holds the learner edition. Every exercise there is four cells in a row:

1. the task (Markdown, starting "### Exercise N: ...");
2. the worked solution, a collapsed ``<details>`` block whose one fenced ``python`` block is the answer:
   the only place an answer is written;
3. the stub, one or more ``def solution_*(...)`` whose body is ``raise NotImplementedError`` (after an
   optional docstring);
4. the check, ``with utils.exercise("Exercise N"): ...``, which says "not attempted yet" for a stub,
   fails with a message for a wrong answer and says "all checks passed" for a right one.

``solutions`` writes the solved edition: each stub cell replaced by the fenced answer, executed on the
CPU so that every check shows "all checks passed" (``make solutions``). Its solution cells are shown in
the slides (``make slides-solutions``), where the learner decks skip them.

``grader`` writes an nbgrader source course (``make grader``): ``source/NN_name/NN_name.ipynb`` per
lesson, in which each stub's body is the answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(``nbgrader generate_assignment`` turns it back into the stub), each check is a read-only autograded
test worth one point that fails on an unattempted exercise (``graded=True``), and the ``<details>``
blocks are left out, so the released notebooks hold no answer.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from notebook_cli import ROOT

EXERCISE_HEADING = re.compile(r"### Exercise (\d+): ")
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
CHECK = re.compile(r"^with utils\.exercise\(\"Exercise (\d+)\"\):$", re.M)
POINTS = 1


class EditionError(ValueError):
    """A notebook's exercises do not follow the four-cell format described in the module docstring."""


@dataclass(frozen=True)
class Exercise:
    """Where one exercise's cells sit in its notebook, and what its answer defines."""

    number: int
    solution: int  # cell indices: the <details> block, the stub and the check
    stub: int
    check: int
    answer: str  # the fenced code of the <details> block
    names: tuple[str, ...]  # the solution_* functions it defines, in order


def _functions(source: str, where: str) -> list[ast.FunctionDef]:
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise EditionError(f"{where}: not valid Python ({err.msg}, line {err.lineno})") from None
    if not tree.body or not all(isinstance(node, ast.FunctionDef) for node in tree.body):
        raise EditionError(f"{where}: must hold only `def solution_...` functions")
    for node in tree.body:
        if not node.name.startswith("solution_"):
            raise EditionError(f"{where}: `{node.name}` is not named solution_...")
    return tree.body


def _has_docstring(fn: ast.FunctionDef) -> bool:
    first = fn.body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)


def _is_stub(fn: ast.FunctionDef) -> bool:
    body = fn.body[1:] if _has_docstring(fn) else fn.body
    return (len(body) == 1 and isinstance(body[0], ast.Raise) and body[0].cause is None
            and ast.unparse(body[0].exc) in ("NotImplementedError", "NotImplementedError()"))


def _signature(fn: ast.FunctionDef) -> str:
    return ast.unparse(fn.args)


def exercises(notebook: nbformat.NotebookNode, name: str = "notebook") -> list[Exercise]:
    """The exercises of a learner notebook, checked against the four-cell format (EditionError if not)."""
    cells = notebook.cells
    found = []
    for task, cell in enumerate(cells):
        heading = EXERCISE_HEADING.match(cell.source) if cell.cell_type == "markdown" else None
        if heading is None:
            continue
        number = int(heading.group(1))
        where = f"{name}, exercise {number}"
        if task + 3 >= len(cells):
            raise EditionError(f"{where}: the task must be followed by a <details> solution, a stub and a check")
        solution, stub, check = task + 1, task + 2, task + 3
        details = cells[solution]
        fences = FENCE.findall(details.source) if details.cell_type == "markdown" else []
        if not details.source.startswith("<details><summary>Solution</summary>") or len(fences) != 1:
            raise EditionError(f"{where}: the cell after the task must be a <details><summary>Solution</summary> "
                               "block with exactly one ```python block")
        if cells[stub].cell_type != "code":
            raise EditionError(f"{where}: the cell after the solution must be the stub (a code cell)")
        answer = fences[0].rstrip("\n")
        answer_fns = _functions(answer, f"{where}, the answer in <details>")
        stub_fns = _functions(cells[stub].source, f"{where}, the stub cell")
        if [fn.name for fn in stub_fns] != [fn.name for fn in answer_fns]:
            raise EditionError(f"{where}: the stub defines {[fn.name for fn in stub_fns]}, the answer "
                               f"{[fn.name for fn in answer_fns]}")
        for stub_fn, answer_fn in zip(stub_fns, answer_fns, strict=True):
            if not _is_stub(stub_fn):
                raise EditionError(f"{where}: the body of `{stub_fn.name}` must be `raise NotImplementedError` "
                                   "(after an optional docstring); the answer belongs in <details> only")
            if _signature(stub_fn) != _signature(answer_fn):
                raise EditionError(f"{where}: `{stub_fn.name}` takes ({_signature(stub_fn)}) in the stub and "
                                   f"({_signature(answer_fn)}) in the answer")
        marks = CHECK.findall(cells[check].source) if cells[check].cell_type == "code" else []
        if marks != [str(number)]:
            raise EditionError(f'{where}: the cell after the stub must be the check, with one line '
                               f'`with utils.exercise("Exercise {number}"):`')
        found.append(Exercise(number, solution, stub, check, answer, tuple(fn.name for fn in stub_fns)))
    if [exercise.number for exercise in found] != list(range(1, len(found) + 1)):
        raise EditionError(f"{name}: exercises must be numbered 1, 2, 3, ... in order")
    return found


def solved(notebook: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A copy of the learner `notebook` with every stub cell replaced by its answer and shown in slides.

    Outputs are left as they are (run the notebook to refresh them).
    """
    found = exercises(notebook, name)
    notebook = nbformat.from_dict(notebook)
    for exercise in found:
        cell = notebook.cells[exercise.stub]
        cell.source = exercise.answer
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.setdefault("slideshow", {})["slide_type"] = "subslide"
    return notebook


def _marked(stub_source: str, answer: str) -> str:
    """The stub's functions with their `raise NotImplementedError` replaced by the answer's body, between
    nbgrader's solution markers (the stub's signature and docstring are kept)."""
    stub_lines, answer_lines = stub_source.splitlines(), answer.splitlines()
    stub_fns, answer_fns = ast.parse(stub_source).body, ast.parse(answer).body
    out: list[str] = []
    for index, (stub_fn, answer_fn) in enumerate(zip(stub_fns, answer_fns, strict=True)):
        raise_stmt = stub_fn.body[-1]
        indent = " " * raise_stmt.col_offset
        body = answer_fn.body[1:] if _has_docstring(answer_fn) else answer_fn.body
        start = (stub_fns[index - 1].end_lineno if index else 0)
        out += stub_lines[start:raise_stmt.lineno - 1]
        out.append(f"{indent}### BEGIN SOLUTION")
        out += answer_lines[body[0].lineno - 1:answer_fn.end_lineno]
        out.append(f"{indent}### END SOLUTION")
    return "\n".join(out)


def grader_source(notebook: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The nbgrader source version of the learner `notebook` (see the module docstring)."""
    found = exercises(notebook, name)
    notebook = nbformat.from_dict(notebook)
    drop = set()
    for exercise in found:
        stub, check = notebook.cells[exercise.stub], notebook.cells[exercise.check]
        stub.source = _marked(stub.source, exercise.answer)
        stub.metadata["nbgrader"] = {"grade": False, "grade_id": f"exercise_{exercise.number}_answer",
                                     "locked": False, "schema_version": 3, "solution": True, "task": False}
        check.source = CHECK.sub(f'with utils.exercise("Exercise {exercise.number}", graded=True):', check.source)
        check.metadata["nbgrader"] = {"grade": True, "grade_id": f"exercise_{exercise.number}_check",
                                      "locked": True, "points": POINTS, "schema_version": 3, "solution": False,
                                      "task": False}
        drop.add(exercise.solution)
    notebook.cells = [cell for index, cell in enumerate(notebook.cells) if index not in drop]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


NBGRADER_CONFIG = '''\
# nbgrader's settings for this course folder, written by scripts/editions.py (make grader).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "pooling-course"
c.CourseDirectory.root = "."
# A lesson runs for up to a minute on a small CPU; some cells train a model.
c.ExecutePreprocessor.timeout = 300
'''


def write_grader(notebooks: list[Path], out: Path) -> list[Path]:
    """Write the nbgrader source course into `out` (source/NN_name/NN_name.ipynb and nbgrader_config.py)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(NBGRADER_CONFIG, encoding="utf-8")
    written = []
    for path in notebooks:
        target = out / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(grader_source(nbformat.read(path, as_version=4), path.name), target)
        written.append(target)
    return written


def write_solutions(notebooks: list[Path], out: Path, execute: bool = True) -> list[Path]:
    """Write the solved edition into `out`, executed on the CPU from notebooks/ unless `execute` is False."""
    from nbconvert.preprocessors import ExecutePreprocessor

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        notebook = solved(nbformat.read(path, as_version=4), path.name)
        if execute:
            runner = ExecutePreprocessor(timeout=300, kernel_name="python3", record_timing=False,
                                         store_widget_state=False)
            runner.preprocess(notebook, {"metadata": {"path": str(path.parent)}})
        target = out / path.name
        nbformat.write(notebook, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("edition", choices=["solutions", "grader"])
    parser.add_argument("--out", type=Path, help="output folder (default: build/solutions or build/nbgrader)")
    parser.add_argument("--no-execute", action="store_true", help="solutions: write them without running them")
    parser.add_argument("notebooks", nargs="*", type=Path, default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    args = parser.parse_intermixed_args(argv)
    try:
        if args.edition == "solutions":
            written = write_solutions(args.notebooks, args.out or ROOT / "build" / "solutions", not args.no_execute)
        else:
            written = write_grader(args.notebooks, args.out or ROOT / "build" / "nbgrader")
    except EditionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for target in written:
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
