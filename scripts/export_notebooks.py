"""Export the lessons to reveal.js slide decks that work offline.

    python scripts/export_notebooks.py                     # every notebook, into build/
    python scripts/export_notebooks.py --out DIR NB.ipynb  # some notebooks, into DIR

What `make slides` runs. It writes, for every notebook ``notebooks/NN_name.ipynb``,

    build/slides/NN_name.slides.html   the lesson as reveal.js slides (the committed outputs, not re-run)
    build/assets/mathjax/              MathJax 3 (tex-svg-full.js) from the pip package django-static-mathjax
    build/assets/reveal.js/            reveal.js 5 from scripts/export/vendor/reveal.js

The lessons as web pages are the course website's job (`make site`, scripts/build_site.py).

Nothing is executed: the notebooks' stored outputs are what the decks show. Nothing is loaded from the
network either: nbconvert's own templates link require.js, jQuery, Mermaid, MathJax 2 and reveal.js
from CDNs; the templates in scripts/export/templates replace them by the local copies above, referenced
by relative paths, so a deck opens from a USB stick or a lecture-hall PC without internet. The decks
need the build/ folder as it is (copy it whole). Images are embedded in the decks (data: URIs), as
nbconvert does by default; the "Open in Colab" badge (an image on colab.research.google.com, and of no
use in a lecture) is left out of the exported copies. How the cells are grouped into slides comes from the cells'
``metadata.slideshow.slide_type``, which scripts/slide_metadata.py sets.

A slide shows the gist of the text: each Markdown cell's headings, first paragraph, lists, tables,
formulas and images. Its further paragraphs become the slide's speaker notes (press S in a deck), so
no word of the lesson is lost and the screen is left to the code and figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import nbformat
from launch_cells import BADGE_LINE
from nbconvert import SlidesExporter
from notebook_cli import ROOT
from traitlets.config import Config

EXPORT_DIR = ROOT / "scripts" / "export"
TEMPLATES = EXPORT_DIR / "templates"
REVEAL = EXPORT_DIR / "vendor" / "reveal.js"
MATHJAX_FILE = "tex-svg-full.js"  # one file: the TeX input, every TeX extension and the SVG output with its font


def without_colab_badge(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `notebook` whose Markdown cells lack the Colab badge line (scripts/launch_cells.py adds it)."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = BADGE_LINE.sub("", cell.source)
    return notebook


def _blocks(source: str) -> list[str]:
    """The blank-line separated blocks of a Markdown source; a fenced code or $$ maths block stays whole."""
    blocks, current, fence = [], [], None
    for line in source.split("\n"):
        marker = line.strip()[:3]
        if fence is None and marker in ("```", "$$") and not (marker == "$$" and line.strip().endswith("$$")
                                                                and len(line.strip()) > 2):
            fence = marker
        elif fence is not None and marker == fence:
            fence = None
        if not line.strip() and fence is None:
            if current:
                blocks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _is_prose(block: str) -> bool:
    """A plain paragraph: not a heading, list, table, maths, code, HTML or image block."""
    first = block.lstrip()
    numbered = first.split(" ", 1)[0].rstrip(".").isdigit()
    return not (numbered or first.startswith(("#", "- ", "* ", "|", "$$", "```", "<", "![", ">")))


LONG_ITEM = 240  # characters: a list item longer than this shows only its bold lead on the slide
BOLD_LEAD = re.compile(r"^(\s*[-*] \*\*[^*]+\*\*)")


def _shorten_items(block: str) -> tuple[str, str]:
    """A bulleted list with each long item that opens in bold cut to that lead; (list, the long items)."""
    items: list[list[str]] = []
    for line in block.split("\n"):
        if line.lstrip().startswith(("- ", "* ")) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    shown, moved = [], []
    for item in items:
        text = "\n".join(item)
        lead = BOLD_LEAD.match(text)
        if lead and len(" ".join(text.split())) > LONG_ITEM:
            shown.append(lead.group(1))
            moved.append(text)
        else:
            shown.append(text)
    return "\n".join(shown), "\n".join(moved)


def split_prose(source: str) -> tuple[str, str]:
    """(what the slide shows, what goes to the speaker notes) for one Markdown cell.

    The slide keeps the headings, the first paragraph, and every list, table, formula, code block and
    image; the second and later plain paragraphs go to the notes, and so does every long list item that
    opens with a bold lead (the slide keeps the lead).
    """
    shown, notes, paragraphs = [], [], 0
    for block in _blocks(source):
        if _is_prose(block):
            paragraphs += 1
            if paragraphs > 1:
                notes.append(block)
                continue
        elif block.lstrip().startswith(("- ", "* ")):
            block, moved = _shorten_items(block)
            if moved:
                notes.append(moved)
        shown.append(block)
    return "\n\n".join(shown), "\n\n".join(notes)


def with_speaker_notes(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `notebook` whose longer Markdown cells keep their gist on the slide (see split_prose) and
    move the rest of their prose to a speaker-notes cell just after them (press S in a deck to see it).

    The title cell and the Exercises section stay whole: learners need every word of a task.
    """
    notebook = nbformat.from_dict(notebook)
    cells, section = [], ""
    for index, cell in enumerate(notebook.cells):
        cells.append(cell)
        if cell.cell_type != "markdown":
            continue
        if cell.source.startswith("## "):
            section = cell.source.split("\n", 1)[0].lower()
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if index == 0 or "exercises" in section or kind in ("skip", "notes"):
            continue
        shown, notes = split_prose(cell.source)
        if notes:
            cell.source = shown
            cells.append(nbformat.v4.new_markdown_cell(notes, metadata={"slideshow": {"slide_type": "notes"}}))
    notebook.cells = cells
    return notebook


def mathjax_dir() -> Path:
    """MathJax 3's ``es5`` folder inside the installed django-static-mathjax package (static files only)."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("MathJax is missing: pip install -e '.[lab]' (it installs django-static-mathjax)")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def copy_assets(out: Path) -> None:
    """Copy MathJax and reveal.js (with their licences) to out/assets."""
    assets = out / "assets"
    mathjax = mathjax_dir()
    (assets / "mathjax").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(mathjax / "es5" / MATHJAX_FILE, assets / "mathjax" / MATHJAX_FILE)
    shutil.copyfile(mathjax / "LICENSE", assets / "mathjax" / "LICENSE")
    shutil.copytree(REVEAL, assets / "reveal.js", dirs_exist_ok=True)


def exporter() -> SlidesExporter:
    config = Config()
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.extra_template_paths = [str(TEMPLATES)]
    config.SlidesExporter.mathjax_url = f"../assets/mathjax/{MATHJAX_FILE}"
    config.SlidesExporter.require_js_url = ""
    config.SlidesExporter.jquery_url = ""
    config.SlidesExporter.mermaid_js_url = ""
    config.SlidesExporter.reveal_url_prefix = "../assets/reveal.js"
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_number = "c/t"
    return SlidesExporter(config=config, template_name="course-slides")


def title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """The lesson's title, from the "# ..." line of its first cell (the page title of its deck)."""
    first = notebook.cells[0].source.lstrip().split("\n", 1)[0] if notebook.cells else ""
    return first[2:].strip() if first.startswith("# ") else fallback


def export(notebooks: list[Path], out: Path) -> list[Path]:
    """Export `notebooks` into out/slides, copy the assets; return the files written."""
    copy_assets(out)
    slides = exporter()
    written = []
    for path in notebooks:
        notebook = with_speaker_notes(without_colab_badge(nbformat.read(path, as_version=4)))
        body, _ = slides.from_notebook_node(notebook, resources={"metadata": {"name": title(notebook, path.stem)}})
        target = out / "slides" / f"{path.stem}.slides.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="output folder (default: build/)")
    parser.add_argument("notebooks", nargs="*", type=Path, default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    args = parser.parse_args(argv)
    for target in export(args.notebooks, args.out):
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
