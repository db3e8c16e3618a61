"""Slide metadata: every cell of every lesson says how it appears in the reveal.js deck (`make slides`).

The slide types come from rules in scripts/slide_metadata.py; after editing or refreshing a notebook run
`python scripts/slide_metadata.py` and commit the result.
"""

import copy
import json
from pathlib import Path

import nbformat
import pytest
import slide_metadata

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))




@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_cell_has_a_valid_slide_type(path):
    notebook = nbformat.read(path, as_version=4)
    missing = [i for i, cell in enumerate(notebook.cells) if "slide_type" not in cell.metadata.get("slideshow", {})]
    assert not missing, f"cells {missing} have no slide type: run python scripts/slide_metadata.py"
    for index, cell in enumerate(notebook.cells):
        assert cell.metadata.slideshow.slide_type in slide_metadata.SLIDE_TYPES, f"cell {index}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_slide_types_follow_the_rules(path):
    notebook = nbformat.read(path, as_version=4)
    stored = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
    assert stored == slide_metadata.slide_types(notebook), "run: python scripts/slide_metadata.py"
    assert slide_metadata.update(notebook) == notebook


def _cell(kind, source, **fields):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    return make(source, **fields)


def _lesson():
    return nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# Lesson 99 · Title\n\nOverview."),
        _cell("markdown", "## 0. Setup"),
        _cell("code", "# colab", id="colab-setup"),
        _cell("code", "import utils"),
        _cell("markdown", "## 1. Section\n\nText."),
        _cell("code", "\n".join(f"x{i} = {i}" for i in range(16))),  # long code
        _cell("markdown", "Short text."),
        _cell("markdown", "\n".join(["long text"] * 21)),
        _cell("markdown", "### 1.1 Sub"),
        _cell("code", "y = 1"),
        _cell("markdown", "## 2. Common mistakes"),
        _cell("code", "wrong = 1"),
        _cell("code", "right = 2"),
        _cell("markdown", "## 3. Exercises\n\nExercise 1: do it."),
        _cell("markdown", "<details><summary>Solution</summary>\n\nIt.\n</details>"),
        _cell("code", "def solution_one():\n    return 1"),
        _cell("code", "assert solution_one() == 1"),
        _cell("markdown", "### Exercise 2: more"),
        _cell("code", "\n".join(f"check{i} = {i}" for i in range(20))),
        _cell("markdown", "## 4. Summary"),
        _cell("markdown", "- done"),
    ])


def test_the_rules_on_a_small_lesson():
    expected = ["slide", "slide", "skip", "-", "slide", "subslide", "-", "subslide", "subslide", "-", "slide",
                "fragment", "fragment", "slide", "skip", "skip", "subslide", "subslide", "subslide", "slide", "-"]
    assert slide_metadata.slide_types(_lesson()) == expected


def test_update_touches_only_the_slideshow_metadata_and_is_idempotent():
    notebook = _lesson()
    notebook.cells[3].metadata["tags"] = ["nbval-ignore-output"]
    notebook.cells[3].execution_count = 1
    notebook.cells[3].outputs = [nbformat.v4.new_output("stream", text="hi\n")]
    notebook.cells[4].metadata["slideshow"] = {"slide_type": "notes", "other": 1}
    original = copy.deepcopy(notebook)
    once = slide_metadata.update(notebook)
    assert notebook == original, "update must not modify its argument"
    assert slide_metadata.update(once) == once
    for before, after in zip(original.cells, once.cells, strict=True):
        before_rest = {k: v for k, v in before.metadata.items() if k != "slideshow"}
        after_rest = {k: v for k, v in after.metadata.items() if k != "slideshow"}
        assert before_rest == after_rest
        fields = [k for k in before if k != "metadata"]
        assert [before[k] for k in fields] == [after[k] for k in fields] and set(before) == set(after)
    assert once.cells[4].metadata.slideshow == {"slide_type": "slide", "other": 1}


@pytest.mark.parametrize("path", NOTEBOOKS[:1], ids=[p.name for p in NOTEBOOKS[:1]])
def test_the_script_rewrites_a_copy_changing_nothing_but_slideshow(path, tmp_path, capsys):
    target = tmp_path / path.name
    target.write_bytes(path.read_bytes())
    assert slide_metadata.main([str(target)]) == 0
    assert slide_metadata.main(["--check", str(target)]) == 0
    before, after = json.loads(path.read_text()), json.loads(target.read_text())
    for cell in before["cells"] + after["cells"]:
        cell["metadata"].pop("slideshow", None)
    assert before == after
