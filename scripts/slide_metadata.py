"""Give every cell of every notebook a reveal.js slide type, by fixed rules, idempotently.

    python scripts/slide_metadata.py            # update notebooks/*.ipynb in place
    python scripts/slide_metadata.py --check    # exit 1 if any notebook would change

`make slides` turns the notebooks into reveal.js decks; how cells are grouped into slides comes from
``metadata.slideshow.slide_type`` ("slide", "subslide", "fragment", "-" = same slide, "skip", "notes").
This script sets it for every cell from the cell's content, so the decks follow the lesson structure
without hand editing and stay right after a notebook is refreshed or rewritten. The rules, first match wins:

1. The title cell (the first cell) and every Markdown cell that starts with "# " or "## " start a new
   slide ("slide").
2. A Markdown cell that starts with "### " (or deeper) starts a subslide: a vertical slide under the
   current section ("subslide").
3. The Colab-only install cell (id ``colab-setup``, see scripts/launch_cells.py) does nothing in a
   lecture: "skip".
4. Under the "Exercises" heading (up to the next "#"/"##" heading):
   - a worked solution, i.e. a Markdown cell that starts with ``<details`` or a code cell that defines
     a ``solution_...`` function, is left out of the slides ("skip"), so the deck can be shown before
     the learners have tried;
   - every other code cell is a check cell and gets a subslide of its own ("subslide");
   - other Markdown (an exercise's task without its own heading) stays on the current slide ("-").
5. A code cell longer than ``LONG_CODE_LINES`` lines gets its own subslide ("subslide"), so that it is
   not squeezed under the text before it; so does a Markdown cell longer than ``LONG_MARKDOWN_LINES``.
6. Under a "Common mistakes" heading, a short code cell is a fragment ("fragment"): the wrong version
   and the right one appear one click apart.
7. Everything else (short code and short Markdown after a heading) stays on the current slide ("-").
8. Finally, slides are kept to one screen: a cell that would stay on the current slide ("-" or
   "fragment") but would push it past ``SCREEN_HEIGHT`` starts a subslide instead. Heights are
   estimated from the cell's source and stored outputs, for the layout of the course's deck template
   (a 1280x720 slide, 15px code; figures at most ``FIGURE_MAX_HEIGHT`` tall). `make refresh` runs
   this script again after executing, because outputs move the estimate.

Only ``metadata.slideshow`` of each cell is touched: sources, outputs, execution counts, ids and all
other metadata stay as they are, so the script can be re-run at any time (tests/test_slides.py checks
that every committed notebook already matches these rules).
"""

from __future__ import annotations

import base64
import math
import struct
import sys

import nbformat
import notebook_cli
from launch_cells import COLAB_CELL_ID

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
LONG_CODE_LINES = 15
LONG_MARKDOWN_LINES = 20
# The layout of scripts/export/templates/course-slides (CSS pixels of a 1280x720 slide).
SCREEN_HEIGHT = 660
CODE_LINE, CODE_CHARS = 19.5, 125  # 15px monospace, 1.3 line height; characters per line before wrapping
TEXT_LINE, TEXT_CHARS = 26, 118  # 20px prose
FIGURE_WIDTH, FIGURE_MAX_HEIGHT = 1230, 480
HEADING_HEIGHT = {1: 90, 2: 70, 3: 56}


def _first_line(cell) -> str:
    return cell.source.lstrip("\n").split("\n", 1)[0].strip()


def _heading_level(cell) -> int:
    """1 for "# ...", 2 for "## ...", 3 for "### ..." and deeper; 0 if the Markdown cell is no heading."""
    if cell.cell_type != "markdown":
        return 0
    line = _first_line(cell)
    hashes = len(line) - len(line.lstrip("#"))
    return min(hashes, 3) if hashes and line[hashes:hashes + 1] == " " else 0


def _lines(cell) -> int:
    return len(cell.source.strip("\n").splitlines())


def _wrapped(lines: list[str], width: int) -> int:
    return sum(max(1, math.ceil(len(line) / width)) for line in lines)


def _png_size(data: str) -> tuple[int, int]:
    """(width, height) of a base64 PNG, read from its IHDR header."""
    header = base64.b64decode(data[:64])
    return struct.unpack(">II", header[16:24])


def _output_height(output) -> float:
    if output.get("output_type") == "stream":
        return _wrapped(output.get("text", "").rstrip("\n").splitlines(), CODE_CHARS) * CODE_LINE + 12
    if output.get("output_type") == "error":
        return _wrapped("\n".join(output.get("traceback", [])).splitlines(), CODE_CHARS) * CODE_LINE + 12
    data = output.get("data", {})
    if "image/png" in data:
        width, height = _png_size(data["image/png"])
        return min(height * min(1.0, FIGURE_WIDTH / width), FIGURE_MAX_HEIGHT) + 12
    if "text/html" in data:
        return max(1, "".join(data["text/html"]).count("<tr")) * 34 + 12
    if "text/plain" in data:
        return _wrapped("".join(data["text/plain"]).splitlines(), CODE_CHARS) * CODE_LINE + 12
    return 0.0


def _markdown_height(source: str) -> float:
    height = 0.0
    paragraph: list[str] = []

    def flush() -> float:
        text = " ".join(line.strip() for line in paragraph)
        paragraph.clear()
        return math.ceil(len(text) / TEXT_CHARS) * TEXT_LINE + 18 if text else 0.0

    for line in source.strip("\n").splitlines():
        stripped = line.strip()
        hashes = len(stripped) - len(stripped.lstrip("#"))
        if hashes and stripped[hashes:hashes + 1] == " ":
            height += flush() + HEADING_HEIGHT[min(hashes, 3)]
        elif not stripped:
            height += flush()
        elif stripped.startswith(("- ", "* ", "|")) or stripped[:3].rstrip(".").isdigit() or stripped == "$$":
            height += flush()
            paragraph.append(stripped)  # a list item, table row or display formula starts its own block
        else:
            paragraph.append(stripped)
    return height + flush()


def cell_height(cell) -> float:
    """The estimated height of `cell` on a slide, in CSS pixels of the course's deck layout."""
    if cell.cell_type == "markdown":
        return _markdown_height(cell.source)
    code = _wrapped(cell.source.strip("\n").splitlines(), CODE_CHARS) * CODE_LINE + 24
    return code + sum(_output_height(output) for output in cell.get("outputs", []))


def slide_types(notebook) -> list[str]:
    """The slide type of every cell of `notebook` under the rules in this module's docstring."""
    types = []
    section = ""  # the text of the current "#"/"##" heading, lower case
    for index, cell in enumerate(notebook.cells):
        level = _heading_level(cell)
        if level in (1, 2):
            section = _first_line(cell).lower()
        in_exercises = "exercises" in section
        source = cell.source.lstrip()
        if index == 0 or level in (1, 2):
            kind = "slide"
        elif level == 3:
            kind = "subslide"
        elif cell.get("id") == COLAB_CELL_ID:
            kind = "skip"
        elif in_exercises and cell.cell_type == "markdown" and source.startswith("<details"):
            kind = "skip"
        elif in_exercises and cell.cell_type == "code" and "def solution_" in cell.source:
            kind = "skip"
        elif in_exercises and cell.cell_type == "code":
            kind = "subslide"
        elif in_exercises:
            kind = "-"
        elif cell.cell_type == "code" and _lines(cell) > LONG_CODE_LINES:
            kind = "subslide"
        elif cell.cell_type == "markdown" and _lines(cell) > LONG_MARKDOWN_LINES:
            kind = "subslide"
        elif cell.cell_type == "code" and "common mistakes" in section:
            kind = "fragment"
        else:
            kind = "-"
        types.append(kind)
    return _one_screen_each(notebook.cells, types)


def _one_screen_each(cells, types: list[str]) -> list[str]:
    """Rule 8: a cell that would push its slide past SCREEN_HEIGHT starts a subslide."""
    types, height = list(types), 0.0
    for index, (cell, kind) in enumerate(zip(cells, types, strict=True)):
        if kind in ("skip", "notes"):
            continue
        cell_px = cell_height(cell)
        if kind in ("-", "fragment") and height + cell_px > SCREEN_HEIGHT:
            types[index], height = "subslide", cell_px
        else:
            height = cell_px if kind in ("slide", "subslide") else height + cell_px
    return types


def update(notebook) -> nbformat.NotebookNode:
    """Return a copy of `notebook` whose cells carry the slide types of `slide_types` (the input is unchanged)."""
    notebook = nbformat.from_dict(notebook)
    for cell, kind in zip(notebook.cells, slide_types(notebook), strict=True):
        slideshow = dict(cell.metadata.get("slideshow", {}))
        slideshow["slide_type"] = kind
        cell.metadata["slideshow"] = slideshow
    return notebook


def main(argv: list[str] | None = None) -> int:
    return notebook_cli.main(lambda notebook, path: update(notebook), __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(main())
