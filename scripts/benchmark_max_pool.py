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

Measured on the course's 2-core machine (AMD EPYC, 32 MiB L3), torch 2.14.1, --threads 2 --repeat 20,
32x64x56x56 float32, on 2026-12-02, three runs one after another (the table is the last; the ranges
in brackets cover all three):

    configuration method                                   ms  vs native    GB/s  of copy
    -------------------------------------------------------------------------------------
    k=2 s=2 p=0   native, NCHW                          17.71      1.00x     2.5      8%
    k=2 s=2 p=0   native, channels_last                  1.68     10.54x    26.7     87%
    k=2 s=2 p=0   utils.max_pool2d (reference)          66.77      0.27x     0.5      2%
    k=2 s=2 p=0   utils.fast_max_pool2d                  2.22      8.00x    14.5     47%   [34-47%]
    k=2 s=2 p=0   native, NCHW, indices                 17.81      1.00x     2.5      8%
    k=2 s=2 p=0   utils.fast_max_pool2d, indices        11.75      1.52x     3.8     12%   [1.5-2.3x]
                  copy roof                              1.67               30.7    100%

    k=3 s=2 p=1   native, NCHW                          28.91      1.00x     1.6      4%
    k=3 s=2 p=1   native, channels_last                  1.98     14.59x    22.7     53%
    k=3 s=2 p=1   utils.max_pool2d (reference)         106.14      0.27x     0.3      1%
    k=3 s=2 p=1   utils.fast_max_pool2d                  4.01      7.21x     8.0     19%   [19-22%]
    k=3 s=2 p=1   native, NCHW, indices                 25.58      1.00x     1.8      4%
    k=3 s=2 p=1   utils.fast_max_pool2d, indices        23.71      1.08x     1.9      4%   [1.08-1.18x]
                  copy roof                              1.20               42.7    100%

The index sweep no longer looks the first maximum's tap number up in a table of offsets (an
index_select of one int64 per output, 3-7 ms here): it adds each tap's offset step wherever the
maximum is still not found, in int32. That took k=3 s=2 p=1 with indices from 0.88x the native
kernel (the previous version, on a quieter day) to 1.08-1.18x, and k=2 with indices stays 1.5-2.3x
faster than native. The values path is unchanged; on this day's machine it reached 34-47% (k=2) and
19-22% (k=3) of the copy roof, against 43% and 25% measured on a quieter day with the old,
non-interleaved timing. Its column pass reads every other float, which torch's elementwise kernels
run as a scalar loop at about the time of a full copy: a strided copy into contiguous phase planes
first (then vectorised maxima) measured no faster (3.62 against 3.40 ms for k=3).
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
    header = f"{'configuration':<14}{'method':<34}{'ms':>9}{'vs native':>11}{'GB/s':>8}{'of copy':>9}"
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
            ("native, NCHW, indices", lambda c=config: F.max_pool2d(x, **c, return_indices=True), with_indices,
             "native, NCHW, indices"),
            ("utils.fast_max_pool2d, indices", lambda c=config: utils.fast_max_pool2d(x, **c, return_indices=True),
             with_indices, "native, NCHW, indices"),
        ]
        native_indices = F.max_pool2d(x, **config, return_indices=True)[1]
        assert torch.equal(utils.max_pool2d(x, **config), out) and torch.equal(utils.fast_max_pool2d(x, **config), out)
        assert torch.equal(utils.fast_max_pool2d(x, **config, return_indices=True)[1], native_indices)
        times = best_times({"copy": lambda: buffer.copy_(x)} | {m[0]: m[1] for m in methods}, args.repeat, device)
        roof = 2 * x.nbytes / times["copy"]
        name = "k={kernel_size} s={stride} p={padding}".format(**config)
        for method, _, nbytes, native in methods:
            rate = nbytes / times[method]
            print(f"{name:<14}{method:<34}{times[method] * 1e3:>9.2f}{times[native] / times[method]:>10.2f}x"
                  f"{rate / 1e9:>8.1f}{rate / roof:>8.0%}")
        print(f"{'':<14}{'copy roof':<34}{times['copy'] * 1e3:>9.2f}{'':>11}{roof / 1e9:>8.1f}{1:>8.0%}")
        print()


if __name__ == "__main__":
    main()
