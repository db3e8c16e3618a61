"""Benchmark utils.max_pool2d (reference) and utils.fast_max_pool2d against torch's native max pooling.

    python scripts/benchmark_max_pool.py                # batch 32 x 64 channels x 56x56, float32, CPU
    python scripts/benchmark_max_pool.py --device cuda --threads 1 --repeat 20

For each pooling configuration it times (best of --repeat calls): torch's native kernel on a
contiguous NCHW tensor, the same kernel on a channels_last tensor, the readable reference
utils.max_pool2d and utils.fast_max_pool2d (values only), and the same with return_indices=True. It
reports milliseconds, the speed relative to native NCHW, and the achieved bandwidth (bytes read +
written) against this machine's memory-copy bandwidth, the limit for a memory-bound operator. Ratios
are measured in the same run, so a busy machine slows every column alike.
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

    x = torch.randn(*args.shape, device=device, generator=None)
    x_cl = x.contiguous(memory_format=torch.channels_last)
    bandwidth = utils.copy_bandwidth(device=device, repeat=args.repeat)
    print(f"input {tuple(x.shape)} float32 on {device.type}, {torch.get_num_threads()} threads; "
          f"memory-copy bandwidth {bandwidth / 1e9:.1f} GB/s")
    header = f"{'configuration':<24}{'method':<34}{'ms':>9}{'vs native':>11}{'GB/s':>8}{'of copy':>9}"
    print(header)
    print("-" * len(header))
    for config in CONFIGS:
        out = F.max_pool2d(x, **config)
        values_bytes = x.nbytes + out.nbytes
        indices_bytes = values_bytes + out.numel() * 8
        methods = [
            ("native, NCHW", lambda c=config: F.max_pool2d(x, **c), values_bytes),
            ("native, channels_last", lambda c=config: F.max_pool2d(x_cl, **c), values_bytes),
            ("utils.max_pool2d (reference)", lambda c=config: utils.max_pool2d(x, **c), values_bytes),
            ("utils.fast_max_pool2d", lambda c=config: utils.fast_max_pool2d(x, **c), values_bytes),
            ("native, NCHW, indices", lambda c=config: F.max_pool2d(x, **c, return_indices=True), indices_bytes),
            ("utils.fast_max_pool2d, indices",
             lambda c=config: utils.fast_max_pool2d(x, **c, return_indices=True), indices_bytes),
        ]
        assert torch.equal(utils.max_pool2d(x, **config), out) and torch.equal(utils.fast_max_pool2d(x, **config), out)
        name = "k={kernel_size} s={stride} p={padding}".format(**config)
        times = {}
        for method, fn, nbytes in methods:
            times[method] = utils.time_call(fn, repeat=args.repeat, device=device)
            reference = times["native, NCHW" if "indices" not in method else "native, NCHW, indices"]
            rate = nbytes / times[method]
            print(f"{name:<24}{method:<34}{times[method] * 1e3:>9.2f}{reference / times[method]:>10.2f}x"
                  f"{rate / 1e9:>8.1f}{rate / bandwidth:>8.0%}")
        print()


if __name__ == "__main__":
    main()
