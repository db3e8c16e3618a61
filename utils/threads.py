"""How many CPU threads torch may use: every core that other programs leave free, re-checked while training.

On an idle machine torch's intra-op threads (one per core) make training faster. When another program
keeps a core busy (a browser, a second notebook, a build), those threads spin waiting for the one
that lost its core, and the course's small training loops run an order of magnitude slower
(``scripts/benchmark_notebooks.py`` measures both). So the course measures what the other programs
use, from the machine's CPU time counters minus this process's own, and gives torch only the cores
they leave free: all of them on an idle machine, one fewer beside one busy program, never fewer
than one. :func:`utils.get_device` decides at every lesson's setup, :func:`utils.fit` again every
second while it trains.

``OMP_NUM_THREADS`` (set before Jupyter starts) or ``configure_threads(n)`` fixes the count instead.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

import psutil
import torch

from ._checks import check_int

WINDOW_S = 0.2  # the shortest interval worth measuring; the setup waits this long once
RECHECK_S = 1.0  # while training, decide again after this long
STALE_S = 10.0  # an older measurement says nothing about the load now: start a new one
SPARE = 0.25  # other programs' CPU use up to this part of a core (a server, a clock) takes no core away


@dataclass(frozen=True)
class CpuSample:
    """A reading of the CPU time counters: seconds of wall clock, of all CPUs busy, of this process."""

    wall: float
    busy: float
    own: float


def sample() -> CpuSample:
    """Read the machine's busy CPU seconds (all cores: user, nice, system, interrupts) and this process's."""
    times = psutil.cpu_times()
    busy = sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))
    own = os.times()
    return CpuSample(time.monotonic(), busy, own.user + own.system)


def others_load(before: CpuSample, after: CpuSample) -> float:
    """Cores' worth of CPU that other programs used between two samples (0.0: idle, 1.0: one busy core)."""
    wall = after.wall - before.wall
    if wall <= 0:
        raise ValueError(f"after must be taken later than before, got {wall} s between them")
    return max(0.0, (after.busy - before.busy) - (after.own - before.own)) / wall


def usable_cpus() -> int:
    """Logical CPUs this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def threads_for(load: float, cpus: int, cores: int) -> int:
    """Threads for torch when other programs use ``load`` cores' worth of ``cpus`` logical CPUs.

    Each whole core of load, and a remainder above ``SPARE``, takes one CPU away; torch gets what is
    left, at most ``cores`` (one thread per physical core, torch's own default) and at least one.
    """
    taken = math.ceil(load - SPARE) if load > SPARE else 0
    return max(1, min(cores, cpus - taken))


@dataclass
class _Policy:
    fixed: bool = False
    last: CpuSample | None = None

    def decide(self, wait: bool) -> None:
        if self.fixed or "OMP_NUM_THREADS" in os.environ:
            return
        now = sample()
        before = self.last
        if before is None or now.wall - before.wall > STALE_S:
            if not wait:
                self.last = now  # the next check measures from here
                return
            time.sleep(WINDOW_S)
            before, now = now, sample()
        elif now.wall - before.wall < WINDOW_S:
            return
        self.last = now
        cpus = usable_cpus()
        threads = threads_for(others_load(before, now), cpus, psutil.cpu_count(logical=False) or cpus)
        if threads != torch.get_num_threads():
            torch.set_num_threads(threads)


_POLICY = _Policy()


def configure_threads(threads: int | None = None) -> int:
    """Set torch's intra-op CPU thread count; return the count in use.

    - ``configure_threads()``: every core that other programs leave free, measured now over
      ``WINDOW_S`` seconds, and again at each :func:`utils.get_device` and while :func:`utils.fit`
      trains (:func:`adapt_threads`).
    - ``configure_threads(n)``: exactly ``n`` threads from now on (``torch.set_num_threads(n)``),
      e.g. every core of a workstation for the larger experiments; the setup and training keep it.
      ``configure_threads()`` goes back to the adaptive count.
    - With ``OMP_NUM_THREADS`` set in the environment, the learner's choice stands and neither
      call changes anything.
    """
    if threads is not None:
        check_int(threads, "threads")
        _POLICY.fixed = True
        if "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(threads)
        return torch.get_num_threads()
    _POLICY.fixed = False
    _POLICY.decide(wait=True)
    return torch.get_num_threads()


def adapt_threads(wait: bool = False) -> None:
    """Decide the adaptive thread count again, unless it is fixed (``configure_threads(n)``,
    ``OMP_NUM_THREADS``).

    By default only if ``RECHECK_S`` has passed since the last decision: cheap enough for every
    training step, since between decisions it only reads the clock. ``wait=True`` (the setup,
    :func:`utils.get_device`) decides now, first measuring for ``WINDOW_S`` if it has nothing recent.
    """
    last = _POLICY.last
    if wait or last is None or time.monotonic() - last.wall >= RECHECK_S:
        _POLICY.decide(wait=wait)
