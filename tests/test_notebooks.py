"""Notebook hygiene: every committed notebook reads well on GitHub and re-runs the way it was stored.

nbval (run separately by `make nbval`) re-executes the notebooks; these checks look at the files.
"""

import json
import re
from pathlib import Path

import launch_cells
import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
REQUIRED_SECTIONS = ("learning objectives", "common mistakes", "exercises", "summary", "references")


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_notebook_is_valid_and_uses_the_python3_kernel(notebook):
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"


def test_notebook_was_executed_top_to_bottom_in_one_clean_run(notebook):
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))


def test_notebook_stores_no_errors_except_where_tagged(notebook):
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        errors = [out for out in cell.outputs if out.output_type == "error"]
        expected = "raises-exception" in cell.metadata.get("tags", [])
        assert bool(errors) == expected, f"cell {index}: stored error {bool(errors)}, tagged {expected}"


def test_notebook_has_no_timing_metadata_or_widget_state(notebook):
    assert "widgets" not in notebook.metadata
    for cell in notebook.cells:
        assert "execution" not in cell.metadata


def test_notebook_has_the_common_lesson_structure(notebook):
    headings = " ".join(
        line.lower() for cell in notebook.cells if cell.cell_type == "markdown"
        for line in cell.source.splitlines() if line.startswith("#")
    )
    missing = [section for section in REQUIRED_SECTIONS if section not in headings]
    assert not missing, f"missing sections: {missing}"
    assert notebook.cells[0].source.startswith("# "), "the first cell must be the lesson title"


def test_notebook_sets_seed_and_device_through_utils(notebook):
    setup = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "utils.set_seed(" in setup and "utils.get_device()" in setup
    assert "sys.path" not in setup


def test_notebook_outputs_hold_no_machine_specific_text(notebook):
    text = json.dumps([cell.get("outputs", []) for cell in notebook.cells])
    for marker in ("cuda:0", "/home/", "/work/", "/tmp/"):
        assert marker not in text, f"stored output mentions {marker!r}"




LAST_SECTIONS = ("Common mistakes", "Exercises", "Summary", "References")
MAX_CODE_LINES = 30
BARE_BOOLEAN = re.compile(r"[\s()\[\],]*((tensor\()?(True|False)\)?[\s()\[\],]*)+")
# "x == y: True": a check printed as its verdict instead of the values it compared
BOOLEAN_VERDICT = re.compile(r".*:\s*(True|False)\s*(\|.*)?")


def test_notebook_follows_the_course_heading_scheme(notebook):
    """`## 0. Setup`, then numbered sections, the last four being the same in every lesson; each `##` and
    `###` heading opens its markdown cell, so that it starts a slide or subslide and a learner can find it."""
    headings = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        fence = False
        for number, line in enumerate(cell.source.splitlines()):
            fence = fence != line.startswith("```")
            if not fence and re.match(r"#{2,3} ", line):  # "##" starts a slide, "###" a subslide
                assert number == 0, f"cell {index}: the heading {line!r} is not the first line of its cell"
            if line.startswith("## "):
                headings.append(line[3:])
    numbered = [re.fullmatch(r"(\d+)\. (.+)", heading) for heading in headings]
    assert all(numbered), f"unnumbered headings: {[h for h, m in zip(headings, numbered, strict=True) if not m]}"
    assert [int(m[1]) for m in numbered] == list(range(len(numbered))), f"section numbers: {headings}"
    assert numbered[0][2] == "Setup"
    assert tuple(m[2] for m in numbered[-4:]) == LAST_SECTIONS


def test_no_cell_prints_a_bare_boolean(notebook):
    """A check shows what it checked: the values, asserted, not a lone True."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
            for line in text.splitlines():
                assert not BARE_BOOLEAN.fullmatch(line), f"cell {index} prints a bare boolean: {line!r}"
                assert not BOOLEAN_VERDICT.fullmatch(line), f"cell {index} prints a check as True/False: {line!r}"


def test_code_cells_are_short(notebook):
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            lines = len(cell.source.splitlines())
            assert lines <= MAX_CODE_LINES, f"cell {index} has {lines} lines; split it (one idea per cell)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_has_its_colab_badge_and_install_cell(path):
    notebook = nbformat.read(path, as_version=4)
    assert launch_cells.update(notebook, path.name) == notebook, "run: python scripts/launch_cells.py"
    assert f"blob/main/notebooks/{path.name})" in notebook.cells[0].source


def test_colab_cell_clones_installs_and_enters_the_course_only_on_colab(monkeypatch):
    import os
    import subprocess
    import sys
    import types

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: calls.append(command))
    monkeypatch.setattr(os, "chdir", lambda path: calls.append(["chdir", path]))
    monkeypatch.setattr(os.path, "isdir", lambda path: False)
    source = launch_cells.colab_source("https://github.com/someone/course")
    exec(source, {})
    assert calls == []  # not on Colab: nothing happens
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(source, {})
    assert calls[0] == ["git", "clone", "--depth", "1", "https://github.com/someone/course", "/content/pooling-course"]
    assert calls[1][1:4] == ["-m", "pip", "install"] and calls[1][-2:] == ["-e", "/content/pooling-course"]
    assert "--no-deps" in calls[1] and calls[2] == ["chdir", "/content/pooling-course"]


def test_setup_notes_an_untested_torch_and_no_cell_switches_the_traceback_mode(notebook):
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    setup = next(source for source in code if "utils.get_device()" in source)
    assert "if note := utils.torch_version_note():\n    print(note)" in setup, "the setup cell must print the note"
    # %xmode prints "Exception reporting mode: ..." into the lesson; catch an error and print it instead
    assert not [source for source in code if "%xmode" in source]
