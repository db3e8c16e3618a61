"""`make slides`: the lessons export to reveal.js decks that open without a network.

One notebook is exported (from its committed outputs, nothing is executed) into a temporary folder.
"""

import hashlib
import html
import re
from pathlib import Path

import editions
import export_notebooks
import launch_cells
import nbformat
import pytest
import slide_metadata

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = sorted((ROOT / "notebooks").glob("*.ipynb"))[0]

# src= of <script> and href= of <link>, and CSS @import url(...) / @import "..." anywhere in the page.
SCRIPT_SRC = re.compile(r"<script\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
LINK_HREF = re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
CSS_IMPORT = re.compile(r"@import\s+(?:url\(\s*)?[\"']?([^\"')\s;]+)", re.IGNORECASE)
JS_IMPORT = re.compile(r"\bimport\b[^;\n]*?[\"'`]((?:https?:)?//[^\"'`]+)", re.IGNORECASE)
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # http://, https://, protocol-relative //




def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Export a copy of the first lesson, with its Colab badge and slide types set, into a temporary build folder."""
    tmp = tmp_path_factory.mktemp("export")
    copy = tmp / NOTEBOOK.name
    notebook = launch_cells.update(nbformat.read(NOTEBOOK, as_version=4), NOTEBOOK.name)
    nbformat.write(slide_metadata.update(notebook), copy)
    before = _digest(copy)
    out = tmp / "build"
    written = export_notebooks.export([copy], out)
    assert _digest(copy) == before, "exporting must not modify (or re-execute) the notebook"
    return out, written


def test_export_writes_a_deck_per_notebook_titled_by_its_lesson(exported):
    out, written = exported
    assert written == [out / "slides" / f"{NOTEBOOK.stem}.slides.html"]
    assert not (out / "html").exists(), "the lessons as pages are the website's job (make site)"
    title = nbformat.read(NOTEBOOK, as_version=4).cells[0].source.splitlines()[0].removeprefix("# ").strip()
    text = written[0].read_text(encoding="utf-8")
    assert len(text) > 50_000, f"{written[0].name} is suspiciously small"
    assert "<img" in text and "data:image/png;base64," in text, "the stored figures must be embedded"
    assert f"<title>{html.escape(title, quote=False)}" in text, "the page title is the lesson's title"


def test_export_uses_the_stored_outputs(exported):
    out, _ = exported
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    stream = next(o.text for o in outputs if o.output_type == "stream")
    first_line = stream.strip().splitlines()[0].strip()
    page = (out / "slides" / f"{NOTEBOOK.stem}.slides.html").read_text(encoding="utf-8")
    assert first_line.replace("<", "&lt;").replace(">", "&gt;")[:40] in page


def test_deck_has_one_section_per_slide_and_reveal_is_initialised(exported):
    out, _ = exported
    deck = (out / "slides" / f"{NOTEBOOK.stem}.slides.html").read_text(encoding="utf-8")
    types = slide_metadata.slide_types(nbformat.read(NOTEBOOK, as_version=4))
    # every slide is a <section>; a slide with subslides adds one more outer <section> around them
    assert deck.count("<section") >= types.count("slide") + types.count("subslide") > 5
    assert "Reveal.initialize(" in deck and "require(" not in deck


def _local_references(text: str) -> list[str]:
    return SCRIPT_SRC.findall(text) + LINK_HREF.findall(text) + CSS_IMPORT.findall(text)


def test_exported_files_load_nothing_from_the_network(exported):
    out, written = exported
    for path in written:
        text = path.read_text(encoding="utf-8")
        references = _local_references(text)
        assert references, f"{path.name}: found no script or stylesheet at all, the regexes are wrong"
        remote = [ref for ref in references if REMOTE.match(ref)] + JS_IMPORT.findall(text)
        assert not remote, f"{path.name} loads {remote}"
        images = re.findall(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", text, re.IGNORECASE)
        assert images and not [src for src in images if REMOTE.match(src)], f"{path.name}: remote image"
        for host in ("cdnjs.cloudflare.com", "unpkg.com", "cdn.jsdelivr.net", "fonts.googleapis.com"):
            assert host not in text, f"{path.name} mentions {host}"
        for ref in references:  # every local reference resolves to a shipped file
            if not ref.startswith("data:"):
                assert (path.parent / ref.split("?")[0].split("#")[0]).is_file(), f"{path.name}: {ref} is missing"


def test_math_is_left_for_the_local_mathjax_to_render(exported):
    out, written = exported
    mathjax = out / "assets" / "mathjax" / export_notebooks.MATHJAX_FILE
    assert mathjax.stat().st_size > 1_000_000 and (mathjax.parent / "LICENSE").is_file()
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert f'src="../assets/mathjax/{export_notebooks.MATHJAX_FILE}"' in text
        assert "inlineMath" in text and re.search(r"\$[^$\n]+\$", text), "inline math must reach MathJax as $...$"


def test_shipped_assets_and_templates_reference_nothing_remote():
    suffixes = {".css", ".j2", ".js", ".html"}
    files = [p for p in (ROOT / "scripts" / "export").rglob("*") if p.is_file() and p.suffix in suffixes]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        remote = [ref for ref in _local_references(text) if REMOTE.match(ref)] + JS_IMPORT.findall(text)
        assert not remote, f"{path.relative_to(ROOT)} loads {remote}"
    assert (ROOT / "scripts" / "export" / "vendor" / "reveal.js" / "LICENSE").is_file()


def test_makefile_has_the_slides_target_and_build_is_ignored():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^slides: ", makefile, re.MULTILINE) and "scripts/export_notebooks.py" in makefile
    assert "make slides" in makefile.split("\n\n")[0]  # documented in the header comment
    assert "build/" in (ROOT / ".gitignore").read_text().splitlines()


def _deck_text(notebook: nbformat.NotebookNode, name: str) -> str:
    """The text a reader sees in the reveal.js deck of `notebook`: tags stripped, entities decoded."""
    body, _ = export_notebooks.exporter().from_notebook_node(notebook, resources={"metadata": {"name": name}})
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem[:2])
def test_learner_decks_hide_the_answers_and_solved_decks_show_them(path):
    learner = slide_metadata.update(nbformat.read(path, as_version=4))
    answers = [exercise.answer for exercise in editions.exercises(learner, path.name)]
    # the longest line of each answer's body stands for the answer (short lines such as "return x" may
    # legitimately appear in the lesson)
    marks = [max(answer.splitlines()[1:], key=len).strip() for answer in answers]
    learner_deck = _deck_text(learner, path.stem)
    solved_deck = _deck_text(editions.solved(learner, path.name), path.stem)
    assert [mark for mark in marks if mark in learner_deck] == [], f"{path.name}: an answer is in the learner deck"
    assert [mark for mark in marks if mark not in solved_deck] == [], f"{path.name}: the solved deck lacks an answer"


def test_split_prose_keeps_the_gist_on_the_slide():
    source = ("## 4. A section\n\nThe first paragraph.\n\n- a list\n- stays\n\nA second paragraph.\n\n"
              "$$\ny = x\n$$\n\n| a | b |\n|---|---|\n\nA third one.")
    shown, notes = export_notebooks.split_prose(source)
    assert shown == ("## 4. A section\n\nThe first paragraph.\n\n- a list\n- stays\n\n$$\ny = x\n$$\n\n"
                     "| a | b |\n|---|---|")
    assert notes == "A second paragraph.\n\nA third one."
    assert export_notebooks.split_prose("One paragraph only.") == ("One paragraph only.", "")
    long_item = "- **Lead.** " + "words " * 60
    shown, notes = export_notebooks.split_prose(f"Intro.\n\n{long_item}\n- **Short.** kept whole\n- plain item")
    assert shown == "Intro.\n\n- **Lead.**\n- **Short.** kept whole\n- plain item" and notes == long_item


def test_prose_the_slides_leave_out_is_in_the_speaker_notes(exported):
    out, _ = exported
    deck = (out / "slides" / f"{NOTEBOOK.stem}.slides.html").read_text(encoding="utf-8")
    asides = " ".join(re.findall(r'<aside class="notes">(.*?)</aside>', deck, re.S))
    notes = " ".join(html.unescape(re.sub(r"<[^>]+>", "", asides)).split())
    notebook = export_notebooks.with_speaker_notes(nbformat.read(NOTEBOOK, as_version=4))
    moved = [cell.source for cell in notebook.cells if cell.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    assert len(moved) >= 3, "expected some slides to leave prose to the notes"
    for source in moved:
        for block in re.split(r"\n\n|\n(?=- )", source):
            words = re.search(r"(?:[A-Za-z,.;:'-]+ ){3}[A-Za-z,.;:'-]+", " ".join(block.split())).group()
            assert words in notes, f"{words!r} is neither on a slide nor in the notes"
