"""Benchmark utils.max_pool2d (reference) and utils.fast_max_pool2d against torch's native max pooling.

    python scripts/benchmark_max_pool.py                # batch 32 x 64 channels x 56x56, float32, CPU
    python scripts/benchmark_max_pool.py --threads 2    # the setting of the table below
    python scripts/benchmark_max_pool.py --device cuda --threads 1 --repeat 20

For each pooling configuration it times torch's native kernel on a contiguous NCHW tensor and on a
channels_last tensor, the readable reference utils.max_pool2d and utils.fast_max_pool2d (values
only), then the native NCHW kernel and fast_max_pool2d with return_indices=True, and a plain copy of
the input. It reports milliseconds, the speed relative to the native NCHW kernel doing the same job,
and the achieved bandwidth: bytes read + written, counting the int64 indices (8 bytes per output)
that a kernel writes, whether asked for them or not (the native CPU kernels always do, measured with
utils.peak_memory), against the copy roof: the rate of copying the input tensor into a buffer of the
same size, a working set of the same size as the pooling's (a copy that fits in the cache is faster
than one that does not, so a roof measured on another size misleads). The rate of a copy far larger
than the caches is printed too.

Every time is the best of --repeat rounds, and each round calls every method once in turn, the copy
included. On a shared machine the speed drifts from second to second (other tenants of the host, the
clock); timing one method's repeats after another's let that drift into the ratios, which moved by
10 points of the copy roof from run to run. Interleaved, a drift slows every column alike. Still,
run it on a quiet machine.

Measured on the course's 2-core machine (AMD EPYC, 1 MiB L2 per core, 32 MiB L3), torch 2.14.1,
--threads 2 --repeat 20, 32x64x56x56 float32, on 2026-12-03, three runs one after another (the table
is the last; the ranges in brackets cover all three). The copy of 2 x 128 MiB ran at 30.6-33.1 GB/s.
In three runs a quarter of an hour earlier (before the index sweep worked in slices) it ran at
42.6-47.5 GB/s, and the values paths reached 40-43% (k=2; a third run stalled at 13%) and 15-19%
(k=3) of the copy roof. The roof itself, a copy that fits the caches only in part, moved between
about 1.0 and 1.75 ms over the week, and every percentage with it:

    configuration method                                   ms  vs native    GB/s  of copy
    -------------------------------------------------------------------------------------
    k=2 s=2 p=0   native, NCHW                          17.82      1.00x     2.5      8%
    k=2 s=2 p=0   native, channels_last                  1.68     10.58x    26.7     84%   [84-87%]
    k=2 s=2 p=0   utils.max_pool2d (reference)          71.81      0.25x     0.4      1%
    k=2 s=2 p=0   utils.fast_max_pool2d                  2.24      7.95x    14.3     45%   [45-49%]
    k=2 s=2 p=0   native, NCHW, indices                 17.79      1.00x     2.5      8%
    k=2 s=2 p=0   utils.fast_max_pool2d, indices        11.51      1.54x     3.9     12%   [1.54-1.69x]
                  copy roof                              1.61               31.9    100%

    k=3 s=2 p=1   native, NCHW                          26.33      1.00x     1.7      4%
    k=3 s=2 p=1   native, channels_last                  2.24     11.76x    20.1     50%   [50-61%]
    k=3 s=2 p=1   utils.max_pool2d (reference)         134.74      0.20x     0.2      1%
    k=3 s=2 p=1   utils.fast_max_pool2d                  5.10      5.17x     6.3     16%   [16-23%]
    k=3 s=2 p=1   native, NCHW, indices                 26.84      1.00x     1.7      4%
    k=3 s=2 p=1   utils.fast_max_pool2d, indices        29.07      0.92x     1.5      4%   [0.92-1.23x]
                  copy roof                              1.28               40.2    100%

On 2026-12-02 the same runs gave 34-47% (k=2) and 19-22% (k=3) of the copy roof; a quieter day before
gave 43% and 25%. The values path is limited by its column pass, not by memory: a maximum of two
slices with a step of 2 along the last axis runs as a scalar loop at about 0.46 ns per output on
this machine, the same whether the data sit in L2 (0.4 MB) or in DRAM (12.8 MB), while a maximum of
contiguous slices takes about 0.10 ns per output. k=2 needs one such strided pass, k=3 two.

The index sweep compares x with the maximum once per tap (4 taps for k=2, 9 for k=3), and on this
input each of those reads came from memory. It now works through the batch in slices of about 4 MiB
(utils.fast.SWEEP_CHUNK_BYTES) that stay in the cache from tap to tap. In paired runs against the
whole sweep (30 shuffled rounds, median ratio, twice) the slices took 0.76-0.81x the time for k=2
and 0.65-0.80x for k=3. Slices of 1, 2, 4 and 8 MiB ran at 1.01, 1.26, 1.40 and 1.46x native for
k=2 and 0.76, 0.98, 0.99 and 0.88x for k=3 (medians of 20 shuffled rounds). The k=3 indices are
still only level with native: its compares read x with a step of 2 along both axes, scalar loops
that take about 40% of the call under torch.profiler.

What did not help (each measured against the code here, and reverted):
- strided copies into contiguous phase planes before the column pass: 3.62 against 3.40 ms for k=3;
- phase planes of x for the index compares, a 0/1 hit stack with argmax (100 ms), or amax, unfold
  and index_select for the column pass: all slower;
- merging the N*C*H rows into one axis so that the row pass's partial tap (the padding row) is one
  contiguous loop instead of one per plane (then recomputing the border rows), and a sliding maximum
  over contiguous slices followed by one strided maximum for k=3's column pass: faster when timed
  alone with warm caches, but in paired runs against this code (100 alternating rounds, median
  ratio) 0.93-1.06x for the rows, 0.95-1.10x for the columns, 1.05x for the whole k=3 call, and
  1.13x (slower) at stride 1;
- a reduction (amax over a size-3 axis of an as_strided view): 2.5 ms for the rows alone;
- processing the planes in chunks that fit in the cache: no gain (the strided pass does not wait
  on memory).
- converting to channels_last, where both passes read contiguous runs of channels: the conversion
  alone took 3.4 ms (a permuting copy is itself a scalar loop), 5.8 ms for k=3 in all.
Closing the gap needs one loop that reads each input cell once and vectorises along the rows, which
plain torch operations cannot express; the NCHW kernel that torch.compile generates in lesson 10
(section 8) does not get there either on this machine, while its channels_last kernel does.
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
