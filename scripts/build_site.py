"""Build the course website: every lesson as a page, with navigation, search, and download/Colab buttons.

    python scripts/build_site.py [--out build/site]            # make site
    python scripts/build_site.py --pdf build/pdf [--out ...]   # make pdf: the site, then a PDF per lesson

What `make site` runs. Jupyter Book 1 (Sphinx, the `site` extra) renders the committed notebooks as
they are: nothing is executed. The site has a home page (the introduction and course map of
README.md), a left navigation in lesson order, full-text search, previous/next links, and on every
lesson page buttons to download the notebook and to open it in Colab. Maths is rendered by the
MathJax 3 copy that `make slides` also ships, and the figures are the notebooks' stored images, so
the site opens offline from ``file://`` (or from any static server): open build/site/index.html.

`--pdf` then prints every lesson page to an A4 PDF (the handouts) with the system's Chromium, driven
by playwright: the site's print stylesheet (scripts/site/print.css) wraps long code lines instead of
cutting them off.

The book is assembled in build/site-src/: the notebooks without their Colab badge line (an image on
colab.research.google.com; the page's own launch button replaces it), an index.md cut from the README,
and the _config.yml and _toc.yml written below. The repository address comes from pyproject.toml.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from export_notebooks import MATHJAX_FILE, mathjax_dir, without_colab_badge
from launch_cells import repository
from notebook_cli import ROOT

SITE_DIR = ROOT / "scripts" / "site"
TITLE = "Pooling layers in convolutional networks"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless, and quiet: no background connections to Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def home_page(readme: str, repo: str) -> str:
    """The README from its introduction to the course map, without badges, for the site's home page."""
    intro = readme.split("\n## Run it", 1)[0]
    lines = [line for line in intro.splitlines() if not line.startswith("[![")]
    return "\n".join(lines).rstrip() + f"""

## Run it

Every lesson page has a button to download the notebook and one to open it in Colab. To run the
course on your own machine (a CPU is enough), clone [the repository]({repo}) and follow its README:
`make lab` installs everything and opens JupyterLab.
"""


def config(repo: str) -> dict:
    return {
        "title": TITLE,
        "author": "the pooling course authors",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "repository": {"url": repo, "branch": "main", "path_to_book": ""},
        "launch_buttons": {"colab_url": "https://colab.research.google.com", "notebook_interface": "jupyterlab"},
        "html": {"use_download_button": True, "use_repository_button": True, "home_page_in_navbar": True},
        "sphinx": {"config": {"mathjax_path": f"mathjax/{MATHJAX_FILE}", "html_static_path": ["_static"],
                              "html_css_files": ["print.css"],
                              # no widget state is stored: show a widget's static fallback (utils.widgets)
                              "nb_mime_priority_overrides": [
                                  ["html", "application/vnd.jupyter.widget-view+json", None]],
                              "html_show_sourcelink": False,
                              # each lesson's title (#) is followed by ### Learning objectives: fine on a page
                              "suppress_warnings": ["myst.header"]}},
    }


def assemble(notebooks: list[Path], src: Path) -> None:
    """Write the book's sources into `src`: notebooks/, index.md, _config.yml, _toc.yml, _static/mathjax."""
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    for path in notebooks:
        nbformat.write(without_colab_badge(nbformat.read(path, as_version=4)), src / "notebooks" / path.name)
    repo = repository()
    (src / "index.md").write_text(home_page((ROOT / "README.md").read_text(encoding="utf-8"), repo), encoding="utf-8")
    # JSON is YAML: no YAML writer needed
    (src / "_config.yml").write_text(json.dumps(config(repo), indent=2), encoding="utf-8")
    toc = {"format": "jb-book", "root": "index",
           "chapters": [{"file": f"notebooks/{path.stem}"} for path in notebooks]}
    (src / "_toc.yml").write_text(json.dumps(toc, indent=2), encoding="utf-8")
    (src / "_static" / "mathjax").mkdir(parents=True)
    shutil.copyfile(SITE_DIR / "print.css", src / "_static" / "print.css")
    shutil.copyfile(mathjax_dir() / "es5" / MATHJAX_FILE, src / "_static" / "mathjax" / MATHJAX_FILE)
    shutil.copyfile(mathjax_dir() / "LICENSE", src / "_static" / "mathjax" / "LICENSE")


def build(notebooks: list[Path], out: Path, src: Path) -> Path:
    """Assemble the sources in `src`, run Jupyter Book, and put the site in `out`; return out/index.html."""
    command = Path(sys.executable).parent / "jupyter-book"
    if not command.exists():
        raise SystemExit("Jupyter Book is missing: pip install -e '.[site]' (make site does)")
    assemble(notebooks, src)
    done = subprocess.run([str(command), "build", str(src), "--builder", "html", "--warningiserror", "--quiet"],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"jupyter-book failed:\n{done.stdout}\n{done.stderr}")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(src / "_build" / "html", out)
    return out / "index.html"


def print_pdfs(pages: list[Path], out: Path, browser=None) -> list[Path]:
    """Print each built lesson page (.html) to out/<its stem>.pdf, A4, once MathJax has typeset it.

    `browser` is a playwright Chromium browser to use; by default the system's Chromium is started.
    """
    from playwright.sync_api import sync_playwright

    if browser is None:
        if not Path(CHROMIUM).exists():
            raise SystemExit("Chromium is missing: on Debian or Ubuntu, sudo apt-get install -y chromium")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            written = print_pdfs(pages, out, chromium)
            chromium.close()
            return written
    out.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    written = []
    for lesson in pages:
        page.goto(lesson.resolve().as_uri())
        page.evaluate("() => window.MathJax?.startup?.promise")  # wait until the formulas are typeset
        target = out / f"{lesson.stem}.pdf"
        page.pdf(path=str(target), format="A4", print_background=True,
                 margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
        written.append(target)
    page.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="output folder (default: build/site)")
    parser.add_argument("--pdf", type=Path, help="also print every lesson to a PDF in this folder")
    parser.add_argument("notebooks", nargs="*", type=Path, default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    args = parser.parse_args(argv)
    out = args.out.resolve()
    index = build(args.notebooks, out, out.parent / f"{out.name}-src")
    print(f"wrote {index}")
    lessons = sorted((index.parent / "notebooks").glob("*.html"))
    for target in print_pdfs(lessons, args.pdf) if args.pdf else []:
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
