"""Shared test settings: deterministic hypothesis runs and a tally of configurations checked against torch."""

import os
from collections import Counter

import pytest

try:
    import matplotlib
    import torch
    from hypothesis import HealthCheck, settings
except ImportError as err:  # the environment was not built, or not by this repository's install step
    raise pytest.UsageError(
        f"{err}. The course's environment is incomplete: run `make test` (it builds .venv first), or "
        '`python -m pip install -e ".[lab,test]"` in your own Python 3.11 environment.'
    ) from err

matplotlib.use("Agg")
# The tests run thousands of operations on tiny tensors, where waking a thread pool costs more than
# the arithmetic (and, on a busy machine, 100x more); one thread keeps them fast everywhere. Setting
# OMP_NUM_THREADS also keeps utils' adaptive thread count (utils/threads.py) out of every test but its
# own, and reaches the notebooks that tests execute in their own kernels.
os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)

settings.register_profile(
    "course", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("course")

TORCH_CHECKS: Counter = Counter()


@pytest.fixture(scope="session")
def torch_checks() -> Counter:
    """Tests add one count per random configuration they compared with torch."""
    return TORCH_CHECKS


def pytest_terminal_summary(terminalreporter):
    if TORCH_CHECKS:
        total = sum(TORCH_CHECKS.values())
        parts = ", ".join(f"{name}: {count}" for name, count in sorted(TORCH_CHECKS.items()))
        terminalreporter.write_sep("-", f"{total} configurations checked against torch ({parts})")
