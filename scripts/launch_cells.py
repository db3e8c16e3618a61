"""Give every notebook an "Open in Colab" badge and a Colab-only install cell, idempotently.

    python scripts/launch_cells.py            # update notebooks/*.ipynb in place
    python scripts/launch_cells.py --check    # exit 1 if any notebook would change

The badge goes on its own line right under the title; the install cell goes right before the
setup cell (the first code cell). On Colab that cell clones the repository, installs the course
package from it without dependencies (Colab already has torch, torchvision, matplotlib and tqdm;
the pinned versions would mean a multi-GB download) and changes into the clone, so that
``import utils`` and the shipped ``data/`` work in the same session. Anywhere else the cell does
nothing and prints nothing. The repository's address comes from ``[project.urls]`` in pyproject.toml.
Only the title cell's badge line and the install cell are touched, never outputs or other cells.
"""

from __future__ import annotations

import re
import sys
import tomllib

import nbformat
import notebook_cli
from notebook_cli import ROOT

COLAB_CELL_ID = "colab-setup"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
# The badge line that badge() writes, with any repository in it (the HTML export removes it).
BADGE_LINE = re.compile(r"^\[!\[Open In Colab\]\([^)\s]*\)\]\([^)\s]*\)[ \t]*\n*", re.MULTILINE)


def repository() -> str:
    """The repository's https address, from pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["urls"]["Repository"].rstrip("/")


def badge(notebook_name: str, repo: str | None = None) -> str:
    slug = (repo or repository()).removeprefix("https://github.com/")
    return (f"[![Open In Colab]({BADGE_IMAGE})]"
            f"(https://colab.research.google.com/github/{slug}/blob/main/notebooks/{notebook_name})")


def colab_source(repo: str | None = None) -> str:
    repo = repo or repository()
    return f'''# On Google Colab only: fetch the course (utils and data/) and install it. Elsewhere this does nothing.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    course, repository = "/content/pooling-course", "{repo}"
    if not os.path.isdir(course):
        subprocess.run(["git", "clone", "--depth", "1", repository, course], check=True)
    # No dependencies: Colab has torch and the rest; the course's exact pins would be a multi-GB download.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-requires-python",
                    "-e", course], check=True)
    os.chdir(course)  # makes `import utils` work in this session, before any restart'''


def update(notebook: nbformat.NotebookNode, name: str, repo: str | None = None) -> nbformat.NotebookNode:
    """Return the notebook with its badge and Colab cell in place (a new object; the input is unchanged)."""
    notebook = nbformat.from_dict(notebook)
    title = notebook.cells[0]
    heading, _, rest = title.source.partition("\n")
    rest = rest.lstrip("\n")
    if rest.startswith("[![Open In Colab]"):
        rest = rest.partition("\n")[2].lstrip("\n")
    title.source = f"{heading}\n\n{badge(name, repo)}\n\n{rest}".rstrip("\n")

    cells = [cell for cell in notebook.cells if cell.get("id") != COLAB_CELL_ID]
    existing = next((cell for cell in notebook.cells if cell.get("id") == COLAB_CELL_ID), None)
    colab = existing or nbformat.v4.new_code_cell(id=COLAB_CELL_ID)
    colab.source = colab_source(repo)
    first_code = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
    cells.insert(first_code, colab)
    notebook.cells = cells
    return notebook


def main(argv: list[str] | None = None) -> int:
    return notebook_cli.main(lambda notebook, path: update(notebook, path.name), __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(main())
