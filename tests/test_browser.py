"""What learners see in a real browser: the course website, opened from file:// in headless Chromium.

Uses Debian's Chromium (apt-get install -y chromium) through playwright, which drives the system
browser (nothing is downloaded), and Jupyter Book to build the site (both in the `site` extra, which
`make test` installs). Without Chromium the tests skip, saying how to install it; in CI
(CI=true) they must run, and .ci/run installs the browser first.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from build_site import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the site extra installs it
    sync_playwright = None

MISSING = ("playwright is not installed: pip install -e '.[site]' (make site does)" if sync_playwright is None else
           "Jupyter Book is not installed: pip install -e '.[site]' (make site does)"
           if importlib.util.find_spec("jupyter_book") is None else
           "Chromium is not installed: on Debian or Ubuntu, sudo apt-get install -y chromium"
           if not Path(CHROMIUM).exists() else None)
if MISSING and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the browser tests: {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    """A 1280×720 page that records every request it makes; the test fails if one leaves file://."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    yield page
    context.close()
    remote = [url for url in requests if not url.startswith(("file://", "data:", "blob:", "about:"))]
    assert not remote, f"the page requested {remote[:5]}"


SITE_BUILD_SECONDS = 120


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    import build_site

    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    index = build_site.build(NOTEBOOKS, out / "site", out / "site-src")
    seconds = time.perf_counter() - start
    assert seconds < SITE_BUILD_SECONDS, f"the site took {seconds:.0f} s to build"
    return index


def test_home_page_lists_every_lesson(page, site):
    page.goto(site.as_uri())
    assert page.title().startswith("Pooling layers in convolutional networks")
    lessons = page.locator("nav.bd-docs-nav a.reference.internal").all_inner_texts()
    assert [text.split(" · ")[0] for text in lessons[1:]] == [f"Lesson {p.stem[:2]}" for p in NOTEBOOKS], lessons
    assert page.locator("article table a[href$='.html']").count() == len(NOTEBOOKS), "the course map links every lesson"


def test_search_finds_ceil_mode(page, site):
    page.goto(site.with_name("search.html").as_uri() + "?q=ceil_mode")
    page.wait_for_selector("#search-results p.search-summary", timeout=15_000)
    hits = page.locator("#search-results ul.search li a").all_inner_texts()
    assert any(hit.startswith("Lesson 02") for hit in hits), hits


def test_next_and_previous_links_walk_the_lessons(page, site):
    page.goto(site.as_uri())
    page.locator("a.right-next").click()
    assert page.url.endswith(f"notebooks/{NOTEBOOKS[0].stem}.html")
    page.locator("a.right-next").click()
    assert page.url.endswith(f"notebooks/{NOTEBOOKS[1].stem}.html")
    page.locator("a.left-prev").click()
    assert page.url.endswith(f"notebooks/{NOTEBOOKS[0].stem}.html")


def test_lesson_page_has_download_colab_maths_and_figures(page, site):
    stem = NOTEBOOKS[1].stem
    page.goto((site.parent / "notebooks" / f"{stem}.html").as_uri())
    download = page.locator("a.btn-download-source-button").get_attribute("href")
    assert download.endswith(f"{stem}.ipynb"), download
    assert (site.parent / "notebooks" / download).resolve().is_file(), download
    colab = page.locator("a[href^='https://colab.research.google.com/github/']").first.get_attribute("href")
    assert colab.endswith(f"/blob/main/notebooks/{stem}.ipynb"), colab
    page.wait_for_selector("mjx-container", state="attached", timeout=15_000)
    assert page.locator("mjx-container").count() > 10, "MathJax did not render the formulas"
    widths = page.locator("article img").evaluate_all("images => images.map(image => image.naturalWidth)")
    assert widths and all(width > 0 for width in widths), widths
    # lesson 02's explorer: without a kernel its figure and summary, not the widget's repr
    explorer = page.locator("div.cell", has=page.locator("div.cell_input", has_text="utils.pooling_explorer()"))
    assert explorer.count() == 1 and explorer.locator("div.cell_output img").count() == 1
    assert "VBox(children" not in page.inner_text("article")


A4_CONTENT_WIDTH = 718  # CSS pixels: 210 mm less the 12 mm margins of build_site.print_pdfs, at 96 per inch


@pytest.mark.parametrize("stem", [path.stem for path in NOTEBOOKS], ids=lambda stem: stem[:2])
def test_printed_lessons_cut_no_code_off(browser, site, stem):
    page = browser.new_page(viewport={"width": A4_CONTENT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    page.goto((site.parent / "notebooks" / f"{stem}.html").as_uri())
    widths = page.locator("pre").evaluate_all("blocks => blocks.map(b => [b.scrollWidth, b.clientWidth])")
    page.close()
    assert len(widths) > 10
    cut = [w for w in widths if w[0] > w[1] + 1]
    assert not cut, f"{len(cut)} of {len(widths)} code blocks are wider than the printed page: {cut[:3]}"


def test_make_pdf_prints_a_handout_per_lesson(tmp_path):
    # the command line of `make pdf`, with the relative output folders that make passes
    script = ROOT / "scripts" / "build_site.py"
    command = [sys.executable, str(script), "--out", "build/site", "--pdf", "build/pdf", *map(str, NOTEBOOKS)]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    pdfs = sorted((tmp_path / "build" / "pdf").glob("*.pdf"))
    assert [pdf.stem for pdf in pdfs] == [path.stem for path in NOTEBOOKS]
    for pdf in pdfs:
        data = pdf.read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
        assert data.startswith(b"%PDF-") and pages > 5, f"{pdf.name}: expected a handout of several pages, got {pages}"


MIN_ZOOM = 0.6  # a slide the template shrinks further than this is unreadable: split it in the notebook
SLIDES_JS = """async () => {
  const screen = document.querySelector(".reveal .slides").getBoundingClientRect();
  const slides = [];
  for (const slide of Reveal.getSlides()) {
    const where = Reveal.getIndices(slide);
    Reveal.slide(where.h, where.v);
    await new Promise(resolve => setTimeout(resolve, 0));
    const top = slide.getBoundingClientRect().top;
    const bottom = Math.max(top, ...[...slide.children].map(child => child.getBoundingClientRect().bottom));
    const cut = [...slide.querySelectorAll("pre")].filter(block => block.scrollWidth > block.clientWidth + 1);
    slides.push({slide: `${where.h}/${where.v}`, screens: (bottom - top) / screen.height,
                 zoom: parseFloat(slide.style.zoom || "1"), cut: cut.length});
  }
  return slides;
}"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    import export_notebooks

    out = tmp_path_factory.mktemp("decks")
    export_notebooks.export(NOTEBOOKS, out)
    return out / "slides"


@pytest.mark.parametrize("stem", [path.stem for path in NOTEBOOKS], ids=lambda stem: stem[:2])
def test_every_slide_fits_a_1280x720_screen(page, decks, stem):
    page.goto((decks / f"{stem}.slides.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.MathJax?.startup?.document")
    page.evaluate("() => MathJax.startup.promise")
    slides = page.evaluate(SLIDES_JS)
    assert len(slides) > 20
    taller = [s for s in slides if s["screens"] > 1.005]
    assert not taller, f"{len(taller)} of {len(slides)} slides are taller than the screen: {taller[:3]}"
    cut = [s for s in slides if s["cut"]]
    assert not cut, f"code is cut off at the right edge on {cut[:3]}"
    small = [s for s in slides if s["zoom"] < MIN_ZOOM]
    assert not small, f"slides zoomed out below {MIN_ZOOM} to fit, split their cells: {small}"
