"""Measuring operators: wall-clock time per call, peak tensor memory, and memory-copy bandwidth.

These are the three numbers that decide whether a memory-bound operator such as pooling is as fast
as the machine allows: how long it takes, how many bytes it had to allocate, and how fast this
machine can move bytes at all.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten


def _synchronize(device: torch.device | None) -> None:
    if device is not None and device.type == "cuda":
        torch.cuda.synchronize(device)


def time_call(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1,
              device: torch.device | str | None = None) -> float:
    """The best of ``repeat`` wall-clock times of ``fn()``, in seconds, after ``warmup`` calls.

    The minimum, not the mean: other processes only ever add time, so the fastest run is the best
    estimate of what the code itself costs. On a CUDA ``device`` the GPU is synchronised around each
    call, since kernels run asynchronously. The counterpart of ``torch.utils.benchmark.Timer`` in a
    few lines.
    """
    if not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be a positive int, got {repeat!r}")
    if not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be a non-negative int, got {warmup!r}")
    device = None if device is None else torch.device(device)
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        _synchronize(device)
        start = time.perf_counter()
        fn()
        _synchronize(device)
        best = min(best, time.perf_counter() - start)
    return best


class _StorageTracker(TorchDispatchMode):
    """Counts the bytes of tensor storage that the ops under it allocate, and their peak while alive."""

    def __init__(self, existing: set[int]):
        super().__init__()
        self.existing = existing
        self.references: dict[int, int] = {}
        self.sizes: dict[int, int] = {}
        self.live = self.peak = 0

    def _release(self, key: int) -> None:
        self.references[key] -= 1
        if self.references[key] == 0:
            self.live -= self.sizes.pop(key)
            del self.references[key]

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for tensor in tree_flatten(out)[0]:
            if not isinstance(tensor, torch.Tensor):
                continue
            storage = tensor.untyped_storage()
            key = storage.data_ptr()
            if key in self.existing or storage.nbytes() == 0:
                continue
            if key not in self.references:
                self.references[key], self.sizes[key] = 0, storage.nbytes()
                self.live += storage.nbytes()
                self.peak = max(self.peak, self.live)
            self.references[key] += 1
            weakref.finalize(tensor, self._release, key)
        return out


def peak_memory(fn: Callable[[], object], *inputs: torch.Tensor) -> int:
    """Peak bytes of tensor storage that ``fn()`` allocates and holds at once (its result included).

    Every op under ``fn`` is intercepted (a ``TorchDispatchMode``): each new storage is counted from
    its allocation until the last tensor using it is freed. Views (``unfold``, ``as_strided``, slices)
    allocate nothing; ``inputs``, the tensors that exist before the call, are never counted. The
    count is exact for tensors and the same on CPU and GPU; it excludes the allocator's own overhead
    (``torch.cuda.max_memory_allocated`` measures that on a GPU).
    """
    existing = {t.untyped_storage().data_ptr() for t in inputs}
    tracker = _StorageTracker(existing)
    with tracker:
        result = fn()
    del result
    return tracker.peak


def copy_bandwidth(numel: int = 2**25, *, device: torch.device | str = "cpu", repeat: int = 5) -> float:
    """Bytes per second this machine moves in a plain copy of a large float32 tensor (read + write).

    A memory-bound operator that reads its input once and writes a smaller output cannot beat this
    rate; it is the roofline against which pooling's achieved bytes per second are judged.
    """
    if not isinstance(numel, int) or numel < 1:
        raise ValueError(f"numel must be a positive int, got {numel!r}")
    source = torch.empty(numel, dtype=torch.float32, device=device).uniform_()
    target = torch.empty_like(source)
    seconds = time_call(lambda: target.copy_(source), repeat=repeat, device=torch.device(device))
    return 2 * source.nbytes / seconds
