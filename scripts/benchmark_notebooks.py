"""Time every lesson on a quiet machine and again beside a competing CPU-bound process.

    python scripts/benchmark_notebooks.py                      # all lessons, one competing process
    python scripts/benchmark_notebooks.py notebooks/03_*.ipynb --repeat 2
    OMP_NUM_THREADS=1 python scripts/benchmark_notebooks.py    # the same, with one thread per kernel

Each notebook is executed top to bottom in a fresh kernel (nbconvert, outputs discarded), first with
nothing else running, then while this script keeps one busy-looping Python process alive (a learner's
browser, a second notebook, a build). It prints both wall-clock times and their ratio; the course's
targets are at most 45 s quiet and at most 2.5x that under load. Run it on an otherwise idle machine:
the quiet column is only quiet if nothing else is running.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from notebook_cli import ROOT

QUIET_LIMIT_S = 45.0
LOAD_RATIO_LIMIT = 2.5


def execute(notebook: Path) -> float:
    """Wall-clock seconds to execute ``notebook`` in a fresh kernel, torch import included."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=1800", "--output-dir", tmp, str(notebook)],
                       check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - start


def busy_process() -> subprocess.Popen:
    """One CPU-bound process that runs until it is killed."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def best_time(notebook: Path, repeat: int, load: bool) -> float:
    competitor = busy_process() if load else None
    try:
        return min(execute(notebook) for _ in range(repeat))
    finally:
        if competitor is not None:
            competitor.kill()
            competitor.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    parser.add_argument("--repeat", type=int, default=1, help="runs per condition; the best is reported")
    args = parser.parse_args(argv)
    print(f"{'lesson':<48}{'quiet s':>9}{'loaded s':>10}{'ratio':>7}")
    failures = 0
    for notebook in args.notebooks:
        quiet = best_time(notebook, args.repeat, load=False)
        loaded = best_time(notebook, args.repeat, load=True)
        ok = quiet <= QUIET_LIMIT_S and loaded <= LOAD_RATIO_LIMIT * quiet
        failures += not ok
        print(f"{notebook.name:<48}{quiet:>9.1f}{loaded:>10.1f}{loaded / quiet:>7.2f}{'' if ok else '  over target'}",
              flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
