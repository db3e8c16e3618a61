"""Benchmark utils.max_pool2d (reference) and utils.fast_max_pool2d against torch's native max pooling.

    python scripts/benchmark_max_pool.py                # batch 32 x 64 channels x 56x56, float32, CPU
    python scripts/benchmark_max_pool.py --threads 2    # the setting of the table below
    python scripts/benchmark_max_pool.py --device cuda --threads 1 --repeat 20

For each pooling configuration it times torch's native kernel on a contiguous NCHW tensor and on a
channels_last tensor, the readable reference utils.max_pool2d and utils.fast_max_pool2d (values
only, in its C loops and in torch operations), then the native NCHW kernel and fast_max_pool2d (both
ways) with return_indices=True, and a plain copy of the input. It reports milliseconds, the speed
relative to the native NCHW kernel doing the same job, and the achieved bandwidth: bytes read +
written, counting the int64 indices (8 bytes per output) that a kernel writes, whether asked for
them or not (the native CPU kernels always do, measured with utils.peak_memory), against the copy
roof: the rate of copying the input tensor into a buffer of the same size, a working set of the same
size as the pooling's (a copy that fits in the cache is faster than one that does not, so a roof
measured on another size misleads). The rate of a copy far larger than the caches is printed too.

Every time is the best of --repeat rounds, and each round calls every method once in turn, the copy
included. On a shared machine the speed drifts from second to second (other tenants of the host, the
clock); timing one method's repeats after another's let that drift into the ratios, which moved by
10 points of the copy roof from run to run. Interleaved, a drift slows every column alike. Still,
run it on a quiet machine.

Measured on the course's 2-core machine (AMD EPYC, 1 MiB L2 per core, 32 MiB L3), torch 2.14.1,
--threads 2 --repeat 20, 32x64x56x56 float32, on 2026-12-03, three runs one after another (the table
is the last; the ranges in brackets cover all three). The copy of 2 x 128 MiB ran at 29.7-33.0 GB/s.
"utils.fast_max_pool2d" is its C loops (utils/c_kernels.c); "torch ops" is the same function inside
utils.fast.without_c_kernels(), what it runs without a C compiler:

    configuration method                                           ms  vs native    GB/s  of copy
    ---------------------------------------------------------------------------------------------
    k=2 s=2 p=0   native, NCHW                                  17.17      1.00x     2.6      7%
    k=2 s=2 p=0   native, channels_last                          1.60     10.76x    28.2     81%   [80-83%]
    k=2 s=2 p=0   utils.max_pool2d (reference)                  62.04      0.28x     0.5      1%
    k=2 s=2 p=0   utils.fast_max_pool2d                          1.28     13.46x    25.2     72%   [67-80%]
    k=2 s=2 p=0   utils.fast_max_pool2d, torch ops               1.98      8.68x    16.2     46%   [46-51%]
    k=2 s=2 p=0   native, NCHW, indices                         17.11      1.00x     2.6      8%
    k=2 s=2 p=0   utils.fast_max_pool2d, indices                 4.62      3.70x     9.7     28%   [3.67-3.70x]
    k=2 s=2 p=0   utils.fast_max_pool2d, indices, torch ops      9.20      1.86x     4.9     14%   [1.86-2.11x]
                  copy roof                                      1.47               35.0    100%

    k=3 s=2 p=1   native, NCHW                                  25.38      1.00x     1.8      4%
    k=3 s=2 p=1   native, channels_last                          1.88     13.47x    23.9     54%   [54-73%]
    k=3 s=2 p=1   utils.max_pool2d (reference)                 103.81      0.24x     0.3      1%
    k=3 s=2 p=1   utils.fast_max_pool2d                          1.69     15.01x    19.0     43%   [43-62%]
    k=3 s=2 p=1   utils.fast_max_pool2d, torch ops               3.24      7.84x     9.9     23%   [21-26%]
    k=3 s=2 p=1   native, NCHW, indices                         25.38      1.00x     1.8      4%
    k=3 s=2 p=1   utils.fast_max_pool2d, indices                 6.06      4.19x     7.4     17%   [4.15-4.21x]
    k=3 s=2 p=1   utils.fast_max_pool2d, indices, torch ops     19.70      1.29x     2.3      5%   [1.29-1.51x]
                  copy roof                                      1.17               43.9    100%

The copy roof itself, a copy that fits the caches only in part, moved between about 1.0 and 1.75 ms
over the week, and every percentage with it: judge a percentage on several runs.

Why C. Torch's elementwise operations vectorise along contiguous memory only. The torch version
makes two passes, and the second, a maximum of two slices with a step of 2 along the last axis,
runs as a scalar loop at about 0.46 ns per output on this machine, whether the data sit in L2 or in
DRAM; k=3 needs two such passes. Every variant of it in torch operations that we tried stayed below
25% of the roof for k=3 (strided copies into contiguous phase planes, amax over as_strided views,
unfold, index_select, merged rows, a sliding maximum over contiguous slices, chunks that fit the
cache, converting to channels_last: each measured and reverted), and torch.compile's NCHW kernel in
lesson 10 (section 8) does not get there either. The C loops do both passes one output row at a
time: the maximum of the window's input rows is a contiguous loop the compiler vectorises, and the
every-other-column step runs on one row that stays in the cache, so each input row comes from
memory once. A row that holds a NaN is redone by torch's comparison rule; the others use one max
instruction per cell.

Why torch's threads. Threads of our own were no faster than one: after any torch operation, torch's
OpenMP workers spin for a while on the other CPU, waiting for more work, and a second thread of ours
then shares a CPU with one of them. With a first version of the loops, two pthreads took a median
2.10 ms for k=2 against 1.82 ms for one; with torch's workers told to sleep instead
(OMP_WAIT_POLICY=passive), 1.10 ms against 1.78. Built with -fopenmp, the C file's parallel loop
runs on the libgomp.so.1 that torch's wheel ships (the loader shares it), on those same threads:
best of 30, 1.21 ms for k=2 at two threads against 2.04 ms at one (the medians, 2.08 and 2.28 ms,
show how often the second CPU was busy elsewhere: the copy's spread is as wide).

The indices. The C loops find them in the same pass: the rows pass keeps the row each column's
maximum came from, the columns pass picks the cell torch picks. They cost about 3.6 times the values
alone: 8 bytes written per output, into a fresh tensor whose pages the kernel touches first. The
torch version finds them with a second sweep that compares x with the maximum once per tap; it works
through the batch in slices of about 4 MiB (utils.fast.SWEEP_CHUNK_BYTES), which stay in the cache
from tap to tap (0.65-0.81x the time of one sweep over the whole batch in paired runs).
"""

from __future__ import annotations

import argparse

import torch
import torch.nn.functional as F

import utils

CONFIGS = [
    {"kernel_size": 2, "stride": 2, "padding": 0},
    {"kernel_size": 3, "stride": 2, "padding": 1},
]


def index_bytes(fn, x: torch.Tensor, out: torch.Tensor) -> int:
    """Bytes of int64 indices a values-only call writes: what it allocates beyond its output."""
    return utils.peak_memory(fn, x) - out.nbytes


def torch_ops(fn):
    """``fn`` run with utils.fast_max_pool2d on its torch operations, as on a machine without a C compiler."""
    def call():
        with utils.fast.without_c_kernels():
            return fn()
    return call


def best_times(calls: dict[str, object], repeat: int, device: torch.device) -> dict[str, float]:
    """The best of ``repeat`` rounds for every call, each round calling each once in turn.

    Interleaved, not one call's repeats after another's: a machine whose speed drifts (a neighbour on
    the host, the clock) then slows every method alike, and the ratios stay fair."""
    for fn in calls.values():
        fn()  # warm-up: first-touch page faults, lazy initialisation
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(repeat):
        for name, fn in calls.items():
            best[name] = min(best[name], utils.time_call(fn, repeat=1, warmup=0, device=device))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", type=int, nargs=4, default=[32, 64, 56, 56], metavar=("N", "C", "H", "W"))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    x = torch.randn(*args.shape, device=device)
    x_cl = x.contiguous(memory_format=torch.channels_last)
    buffer = torch.empty_like(x)
    dram = utils.copy_bandwidth(device=device, repeat=args.repeat)
    print(f"input {tuple(x.shape)} float32 ({x.nbytes / 1e6:.1f} MB) on {device.type}, {torch.get_num_threads()} "
          f"threads; copy roof: a copy of the input (same working set), timed in the same rounds as each "
          f"configuration; copy of 2 x 128 MiB {dram / 1e9:.1f} GB/s")
    if not utils.c_kernels.supports(x):
        print("utils.fast_max_pool2d runs on torch operations here (no C compiler, or not float32 on the CPU): "
              "its rows with and without 'torch ops' time the same code")
    header = f"{'configuration':<14}{'method':<42}{'ms':>9}{'vs native':>11}{'GB/s':>8}{'of copy':>9}"
    print(header)
    print("-" * len(header))
    for config in CONFIGS:
        out = F.max_pool2d(x, **config)
        values = x.nbytes + out.nbytes
        with_indices = values + out.numel() * 8
        native_bytes = values + index_bytes(lambda c=config: F.max_pool2d(x, **c), x, out)
        native_cl_bytes = values + index_bytes(lambda c=config: F.max_pool2d(x_cl, **c), x_cl, out)
        methods = [  # (name, call, bytes moved, the native row it is compared with)
            ("native, NCHW", lambda c=config: F.max_pool2d(x, **c), native_bytes, "native, NCHW"),
            ("native, channels_last", lambda c=config: F.max_pool2d(x_cl, **c), native_cl_bytes, "native, NCHW"),
            ("utils.max_pool2d (reference)", lambda c=config: utils.max_pool2d(x, **c), values, "native, NCHW"),
            ("utils.fast_max_pool2d", lambda c=config: utils.fast_max_pool2d(x, **c), values, "native, NCHW"),
            ("utils.fast_max_pool2d, torch ops", torch_ops(lambda c=config: utils.fast_max_pool2d(x, **c)), values,
             "native, NCHW"),
            ("native, NCHW, indices", lambda c=config: F.max_pool2d(x, **c, return_indices=True), with_indices,
             "native, NCHW, indices"),
            ("utils.fast_max_pool2d, indices", lambda c=config: utils.fast_max_pool2d(x, **c, return_indices=True),
             with_indices, "native, NCHW, indices"),
            ("utils.fast_max_pool2d, indices, torch ops",
             torch_ops(lambda c=config: utils.fast_max_pool2d(x, **c, return_indices=True)), with_indices,
             "native, NCHW, indices"),
        ]
        native_indices = F.max_pool2d(x, **config, return_indices=True)[1]
        assert torch.equal(utils.max_pool2d(x, **config), out)
        for _, call, _, native in methods[3:]:
            result = call()
            assert torch.equal(result[1], native_indices) if native.endswith("indices") else torch.equal(result, out)
        times = best_times({"copy": lambda: buffer.copy_(x)} | {m[0]: m[1] for m in methods}, args.repeat, device)
        roof = 2 * x.nbytes / times["copy"]
        name = "k={kernel_size} s={stride} p={padding}".format(**config)
        for method, _, nbytes, native in methods:
            rate = nbytes / times[method]
            print(f"{name:<14}{method:<42}{times[method] * 1e3:>9.2f}{times[native] / times[method]:>10.2f}x"
                  f"{rate / 1e9:>8.1f}{rate / roof:>8.0%}")
        print(f"{'':<14}{'copy roof':<42}{times['copy'] * 1e3:>9.2f}{'':>11}{roof / 1e9:>8.1f}{1:>8.0%}")
        print()


if __name__ == "__main__":
    main()
