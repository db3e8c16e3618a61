"""The C loops of ``utils.fast_max_pool2d`` (``utils/c_kernels.c``): built on first use, called through ctypes.

Torch's elementwise operations vectorise along contiguous memory only: a maximum over every other
column runs as a scalar loop, and a pooling made of such passes reads the data several times. The C
file reads each input row once from memory and does the rest in the cache. It includes no torch
headers, so the system's C compiler (``$CC``, else ``cc``, ``gcc`` or ``clang``) builds it in a
fraction of a second. The library is kept in ``$XDG_CACHE_HOME/pooling-course`` (by default
``~/.cache/pooling-course``) under a hash of the source, the compiler and the flags.

Threads: built with ``-fopenmp``, its ``#pragma omp parallel`` runs on OpenMP. Torch's Linux wheels
ship the GNU OpenMP runtime as ``libgomp.so.1``, which the loader then shares with this library, so
the planes are split over torch's own ``torch.get_num_threads()`` threads; they are already awake
after any torch operation (threads of our own would wait for the CPUs that torch's spin on). A
compiler without OpenMP (Apple's clang) builds it single-threaded.

Without a compiler :func:`library` returns None and ``fast_max_pool2d`` uses torch operations
instead; a compiler that fails says why in a warning, once. Scope: float32, contiguous, on the CPU.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import torch

SOURCE = Path(__file__).with_name("c_kernels.c")
FLAGS = ["-O3", "-std=c99", "-shared", "-fPIC"]
OPENMP = ["-fopenmp"]
PARALLEL_CELLS = 2**18  # inputs of at least this many cells (1 MiB of float32) are split over threads


def _compiler() -> str | None:
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and (path := shutil.which(name)):
            return path
    return None


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pooling-course"


def _build(compiler: str, flags: list[str]) -> tuple[Path | None, str]:
    """The cached library built with ``flags``, building it if needed; or None and the compiler's complaint."""
    key = hashlib.sha256(SOURCE.read_bytes() + " ".join([compiler, *flags, sys.platform]).encode()).hexdigest()
    target = _cache_dir() / f"c_kernels-{key[:16]}.so"
    if target.exists():
        return target, ""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build under a temporary name, then rename: two processes building at once never load half a file.
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        built = Path(tmp) / target.name
        run = subprocess.run([compiler, *flags, str(SOURCE), "-o", str(built)], capture_output=True, text=True)
        if run.returncode != 0:
            return None, run.stderr.strip()
        os.replace(built, target)
    return target, ""


@functools.cache
def library() -> ctypes.CDLL | None:
    """The compiled ``c_kernels.c`` (with OpenMP if the compiler has it), or None if it cannot be built."""
    compiler = _compiler()
    if compiler is None:
        return None
    try:
        path, complaint = _build(compiler, FLAGS + OPENMP)
        if path is None:
            path, complaint = _build(compiler, FLAGS)
    except OSError as error:
        path, complaint = None, str(error)
    if path is None:
        warnings.warn(f"utils.fast_max_pool2d: {compiler} could not build {SOURCE} ({complaint[:500]}); "
                      f"using torch operations instead, which are slower", RuntimeWarning, stacklevel=2)
        return None
    lib = ctypes.CDLL(str(path))
    lib.max_pool2d.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64, ctypes.POINTER(ctypes.c_int64), ctypes.c_int64]
    lib.max_pool2d.restype = ctypes.c_int
    return lib


@torch.compiler.disable  # torch.compile cannot trace a ctypes call: run these eagerly, on real tensors
def supports(x: torch.Tensor) -> bool:
    """Whether :func:`max_pool2d` can take ``x``: a plain float32 tensor, contiguous, on the CPU, with
    memory to point at (not a tensor of torch.func's vmap or grad, nor a fake tensor of torch.compile),
    and a compiled library at hand."""
    return (x.dtype == torch.float32 and x.device.type == "cpu" and x.is_contiguous()
            and type(x) in (torch.Tensor, torch.nn.Parameter)
            and not torch._C._functorch.is_functorch_wrapped_tensor(x) and library() is not None)


@torch.compiler.disable
def max_pool2d(x: torch.Tensor, out_hw: tuple[int, int], kernel: tuple[int, int], strides: tuple[int, int],
               pads: tuple[int, int], dils: tuple[int, int],
               return_indices: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Max pooling of a float32 (..., H, W) tensor that :func:`supports` accepts: ``y``, and the int64
    plane offsets of the maxima when ``return_indices`` (else None). The geometry is already checked."""
    height, width = x.shape[-2:]
    planes = x.shape[:-2].numel()
    y = x.new_empty(*x.shape[:-2], *out_hw)
    indices = torch.empty(y.shape, dtype=torch.int64) if return_indices else None
    if planes == 0:
        return y, indices
    parts = min(torch.get_num_threads(), planes) if x.numel() >= PARALLEL_CELLS else 1
    geometry = (ctypes.c_int64 * 12)(height, width, *out_hw, *kernel, *strides, *pads, *dils)
    status = library().max_pool2d(x.data_ptr(), y.data_ptr(), indices.data_ptr() if return_indices else None,
                                  planes, geometry, parts)
    if status != 0:
        raise MemoryError(f"utils.fast_max_pool2d: no memory left for a row of {width} floats per thread")
    return y, indices
