"""utils/c_kernels.py: building the C loops, caching them, falling back without them, and what they accept.

Their results are checked against torch in tests/test_pooling.py, through utils.fast_max_pool2d."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import utils
from utils import c_kernels

COMPILER = c_kernels._compiler()
needs_compiler = pytest.mark.skipif(COMPILER is None, reason="no C compiler on this machine")
X = torch.randn(2, 3, 9, 8, generator=torch.Generator().manual_seed(0))


@pytest.fixture
def fresh_build(tmp_path, monkeypatch):
    """An empty cache directory and no library loaded yet; the real ones are back after the test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    c_kernels.library.cache_clear()
    yield tmp_path / "pooling-course"
    c_kernels.library.cache_clear()


def fake_compiler(path: Path, script: str) -> str:
    """An executable shell script standing in for the C compiler."""
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@needs_compiler
def test_the_library_is_built_once_then_loaded_from_the_cache(fresh_build, monkeypatch):
    assert c_kernels.library() is not None
    assert len(list(fresh_build.glob("c_kernels-*.so"))) == 1
    assert not list(fresh_build.glob("tmp*"))  # the temporary build directory is gone
    c_kernels.library.cache_clear()

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again despite a cached library")

    monkeypatch.setattr(subprocess, "run", no_compiling)
    assert c_kernels.library() is not None


@needs_compiler
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_the_loops_run_on_torchs_own_openmp_runtime():
    """A second OpenMP runtime would bring threads of its own, which wait for CPUs that torch's threads
    spin on: the reason c_kernels.c leans on the libgomp.so.1 that torch's wheel ships."""
    assert c_kernels.library() is not None
    runtimes = {line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines() if "libgomp" in line}
    assert len(runtimes) == 1 and Path(torch.__file__).parent in Path(next(iter(runtimes))).parents


def test_without_a_compiler_fast_max_pool2d_uses_torch_operations(fresh_build, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CC", raising=False)
    assert c_kernels.library() is None and not c_kernels.supports(X)
    values, indices = utils.fast_max_pool2d(X, 3, 2, 1, return_indices=True)
    expected = F.max_pool2d(X, 3, 2, 1, return_indices=True)
    assert torch.equal(values, expected[0]) and torch.equal(indices, expected[1])
    assert not fresh_build.exists()


def test_a_compiler_that_fails_is_reported_once_in_a_warning(fresh_build, tmp_path, monkeypatch):
    monkeypatch.setenv("CC", fake_compiler(tmp_path / "cc", "echo 'cc: no luck today' >&2; exit 1\n"))
    with pytest.warns(RuntimeWarning, match="could not build .*no luck today.*using torch operations"):
        assert c_kernels.library() is None
    assert torch.equal(utils.fast_max_pool2d(X, 2), F.max_pool2d(X, 2))


@needs_compiler
@pytest.mark.skipif(os.name == "nt", reason="the stand-in compiler is a shell script")
def test_a_compiler_without_openmp_builds_the_loops_single_threaded(fresh_build, tmp_path, monkeypatch):
    log = tmp_path / "calls"
    script = f'echo "$*" >> {log}\ncase "$*" in *-fopenmp*) exit 1;; esac\nexec {COMPILER} "$@"\n'
    monkeypatch.setenv("CC", fake_compiler(tmp_path / "cc", script))
    assert c_kernels.library() is not None
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and "-fopenmp" in calls[0] and "-fopenmp" not in calls[1]
    threads = torch.get_num_threads()
    torch.set_num_threads(3)
    try:  # three parts, run one after the other
        monkeypatch.setattr(c_kernels, "PARALLEL_CELLS", 0)
        assert torch.equal(utils.fast_max_pool2d(X, 3, 2, 1), F.max_pool2d(X, 3, 2, 1))
    finally:
        torch.set_num_threads(threads)


@needs_compiler
def test_what_the_c_loops_take():
    assert c_kernels.supports(X)
    assert c_kernels.supports(torch.nn.Parameter(X.clone()))
    assert not c_kernels.supports(X.double())  # float32 only
    assert not c_kernels.supports(X.transpose(-1, -2))  # not contiguous
    assert not c_kernels.supports(X.contiguous(memory_format=torch.channels_last))
    assert not c_kernels.supports(torch.empty(2, 3, 9, 8, device="meta"))
    seen = []
    torch.vmap(lambda plane: seen.append(c_kernels.supports(plane)) or plane)(X)
    torch.func.grad(lambda x: seen.append(c_kernels.supports(x)) or x.sum())(X)
    assert seen == [False, False]  # torch.func's tensors have no memory of their own to point at


@needs_compiler
def test_with_indices_the_values_carry_the_sign_of_zero_that_torch_reports():
    """Ties between -0.0 and +0.0: torch reports the first in row-major order. A maximum taken over
    rows, then columns, could end on the other; the loops read the value back from the cell they pick."""
    signs = torch.randint(0, 3, (4, 8, 12, 12), generator=torch.Generator().manual_seed(1))
    x = torch.tensor([-1.0, -0.0, 0.0])[signs]
    for config in [dict(kernel_size=2, stride=1), dict(kernel_size=3, stride=2, padding=1)]:
        values, indices = utils.fast_max_pool2d(x, return_indices=True, **config)
        expected = F.max_pool2d(x, return_indices=True, **config)
        assert torch.equal(indices, expected[1])
        assert torch.equal(values.signbit(), expected[0].signbit())


@needs_compiler
def test_without_c_kernels_switches_to_torch_operations_and_back(monkeypatch):
    calls = []
    monkeypatch.setattr(c_kernels, "max_pool2d", lambda *args: calls.append(args) or (X, None))
    utils.fast_max_pool2d(X, 2)
    with utils.fast.without_c_kernels():
        assert torch.equal(utils.fast_max_pool2d(X, 2), F.max_pool2d(X, 2))
    utils.fast_max_pool2d(X, 2)
    assert len(calls) == 2
