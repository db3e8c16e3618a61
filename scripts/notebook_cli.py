"""The command line shared by the scripts that rewrite one part of every notebook in place.

``main(update, description)`` reads each notebook, applies ``update(notebook, path)`` (which returns a
new notebook and leaves the input alone), writes it back if it changed, and reports what changed;
with ``--check`` it writes nothing and exits with 1 if any notebook would change.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def main(update: Callable[[nbformat.NotebookNode, Path], nbformat.NotebookNode], description: str,
         argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="report notebooks that would change; write nothing")
    parser.add_argument("notebooks", nargs="*", type=Path, default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        updated = update(notebook, path)
        if updated != notebook:
            stale.append(path.name)
            if not args.check:
                nbformat.write(updated, path)
    if stale:
        print(("would change: " if args.check else "updated: ") + ", ".join(stale))
    return 1 if args.check and stale else 0
