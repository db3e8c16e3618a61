"""Time every lesson on a quiet machine and again beside a competing CPU-bound process.

    python scripts/benchmark_notebooks.py                      # all lessons, one competing process
    python scripts/benchmark_notebooks.py notebooks/03_*.ipynb --repeat 2
    OMP_NUM_THREADS=1 python scripts/benchmark_notebooks.py    # the same, with one thread per kernel

Each notebook is executed top to bottom in a fresh kernel (nbconvert, outputs discarded), first with
nothing else running, then while this script keeps one busy-looping Python process alive (a learner's
browser, a second notebook, a build). It prints both wall-clock times and their ratio; the course's
targets are at most 45 s quiet and at most 2.5x that under load. Run it on an otherwise idle machine:
the quiet column is only quiet if nothing else is running.

Measured on the course's 2-core machine (2026-12-02; wall seconds, torch import included; repeated
quiet runs moved by about 10%):

    lesson   2 threads,  2 threads,  2 threads,    1 thread    1 thread,   1 thread,
             quiet       loaded      passive wait  (utils'     loaded      ratio
                                     quiet/loaded  default)
                                                   quiet
    01       10.2        -            9.5 / 10.6    10.2        10.0        0.98
    02       10.9        -           11.1 /  9.4    11.1        10.0        0.91
    03       23.1-28.3   360.7       23.9 / 41.3    27.1-30.1   26.6        0.98
    04       20.1        -           22.2 / 38.9    23.6        23.6        1.00
    05       24.1        -           32.8 / 48.7    35.3        40.2        1.14
    06       15.5        -           21.0 / 51.0    20.8        21.2        1.02
    07       21.5        -           28.0 / 40.2    29.2        29.4        1.01
    08       18.6        -           30.8 / 29.0    25.4        23.0        0.91
    09       19.0        -           28.7 / 38.0    26.0        25.2        0.97
    10       13.7        -               -          13.2        14.4        1.09

"2 threads" is torch's default here (``OMP_NUM_THREADS=2``); beside one busy process it took lesson 03
from 28 s to 361 s (the others were not rerun that way: each would take minutes). "passive wait" is
``OMP_WAIT_POLICY=PASSIVE``. One thread, what ``utils.configure_threads`` sets, keeps every lesson
within 1.14x of its quiet time under load, at the cost of 0-45% on a quiet machine for the lessons
that train (still under 45 s).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from notebook_cli import ROOT

QUIET_LIMIT_S = 45.0
LOAD_RATIO_LIMIT = 2.5


def execute(notebook: Path, threads: int | None = None) -> float:
    """Wall-clock seconds to execute ``notebook`` in a fresh kernel, torch import included; with
    ``threads``, at that fixed count (``OMP_NUM_THREADS``), else at the count utils chooses."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads)) if threads else None
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=1800", "--output-dir", tmp, str(notebook)],
                       check=True, capture_output=True, cwd=ROOT, env=env)
        return time.perf_counter() - start


def busy_process() -> subprocess.Popen:
    """One CPU-bound process that runs until it is killed."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


@contextlib.contextmanager
def competing_process(delay: float):
    """One busy process, started ``delay`` seconds from now and killed on exit."""
    started: list[subprocess.Popen] = []
    timer = threading.Timer(delay, lambda: started.append(busy_process()))
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()  # a process it is starting right now is in the list afterwards
        for process in started:
            process.kill()
            process.wait()


def loaded_time(notebook: Path, repeat: int, delay: float = 0.0) -> float:
    """The best of ``repeat`` runs, in each of which one busy process starts ``delay`` s in."""
    times = []
    for _ in range(repeat):
        with competing_process(delay):
            times.append(execute(notebook))
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    parser.add_argument("--repeat", type=int, default=1, help="runs per condition; the best is reported")
    parser.add_argument("--quiet-only", action="store_true", help="skip the run beside a competing process")
    parser.add_argument("--load-delay", type=float, default=0.0,
                        help="start the competing process this many seconds into each run (default: before it)")
    parser.add_argument("--baseline-threads", type=int, default=None, metavar="N",
                        help="also time each lesson quiet at N fixed threads, alternating run by run with the "
                             "default, and print the ratio (is the default slower on a quiet machine?)")
    args = parser.parse_args(argv)
    header = f"{'lesson':<48}{'quiet s':>9}"
    if args.baseline_threads:
        header += f"{f'{args.baseline_threads} thr s':>10}{'ratio':>7}"
    print(header + ("" if args.quiet_only else f"{'loaded s':>10}{'ratio':>7}"))
    failures = 0
    for notebook in args.notebooks:
        quiet, baseline = float("inf"), float("inf")
        for _ in range(args.repeat):  # alternating, so that a drift in the machine's speed hits both alike
            quiet = min(quiet, execute(notebook))
            if args.baseline_threads:
                baseline = min(baseline, execute(notebook, args.baseline_threads))
        loaded = None if args.quiet_only else loaded_time(notebook, args.repeat, args.load_delay)
        ok = quiet <= QUIET_LIMIT_S and (loaded is None or loaded <= LOAD_RATIO_LIMIT * quiet)
        failures += not ok
        columns = f"{quiet:>9.1f}"
        if args.baseline_threads:
            columns += f"{baseline:>10.1f}{quiet / baseline:>7.2f}"
        if loaded is not None:
            columns += f"{loaded:>10.1f}{loaded / quiet:>7.2f}"
        print(f"{notebook.name:<48}{columns}{'' if ok else '  over target'}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
