"""Conversion throughput: from_torch / to_torch for tilize, untilize, bfloat16 and block floats.

Prints, per case, GB/s of bytes moved (bytes read + bytes written) next to memcpy of the same
bytes on the same threads, the median of several runs. Usage:
    python bench/conversions.py [--shape 8 1024 1024] [--repeats 15]
TTNN_ISA=generic forces the portable kernels (to compare with the AVX2 ones).
"""

import argparse
import statistics
import time

import torch

import ttnn
from ttnn import _C


def median_seconds(fn, repeats):
    fn()  # warm-up: page faults, thread start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", type=int, nargs="+", default=[8, 1024, 1024])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    torch.manual_seed(0)
    x = torch.randn(args.shape)
    n = x.numel()
    f32 = 4 * n
    tile_bytes = {ttnn.bfloat16: 2, ttnn.float32: 4, ttnn.bfloat8_b: 1088 / 1024, ttnn.bfloat4_b: 576 / 1024}

    src = x.clone()
    dst = torch.empty_like(x)
    memcpy_s = median_seconds(lambda: _C.parallel_memcpy(src, dst), args.repeats)
    memcpy_1t_s = median_seconds(lambda: dst.numpy().__setitem__(..., src.numpy()), args.repeats)

    t_tile_f32 = ttnn.from_torch(x, layout=ttnn.TILE_LAYOUT)
    t_tile_bf16 = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=ttnn.TILE_LAYOUT)
    t_bfp8 = ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=ttnn.TILE_LAYOUT)
    t_bfp4 = ttnn.from_torch(x, dtype=ttnn.bfloat4_b, layout=ttnn.TILE_LAYOUT)
    xb = x.to(torch.bfloat16)

    cases = [
        # name, callable, bytes moved, torch equivalent (or None)
        ("tilize f32 (from_torch TILE)", lambda: ttnn.from_torch(x, layout=ttnn.TILE_LAYOUT), 2 * f32, None),
        ("untilize f32 (to_torch)", lambda: ttnn.to_torch(t_tile_f32), 2 * f32, None),
        ("f32 -> bf16 row-major", lambda: ttnn.from_torch(x, dtype=ttnn.bfloat16), f32 + 2 * n,
         lambda: x.to(torch.bfloat16)),
        ("f32 -> bf16 + tilize", lambda: ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=ttnn.TILE_LAYOUT),
         f32 + 2 * n, None),
        ("bf16 tile -> bf16 untilize", lambda: ttnn.to_torch(t_tile_bf16), 4 * n, None),
        ("bf16 tilize (bf16 source)", lambda: ttnn.from_torch(xb, layout=ttnn.TILE_LAYOUT), 4 * n, None),
        ("f32 -> bfloat8_b pack", lambda: ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=ttnn.TILE_LAYOUT),
         f32 + n * tile_bytes[ttnn.bfloat8_b], None),
        ("bfloat8_b -> f32 unpack", lambda: ttnn.to_torch(t_bfp8), f32 + n * tile_bytes[ttnn.bfloat8_b], None),
        ("f32 -> bfloat4_b pack", lambda: ttnn.from_torch(x, dtype=ttnn.bfloat4_b, layout=ttnn.TILE_LAYOUT),
         f32 + n * tile_bytes[ttnn.bfloat4_b], None),
        ("bfloat4_b -> f32 unpack", lambda: ttnn.to_torch(t_bfp4), f32 + n * tile_bytes[ttnn.bfloat4_b], None),
    ]

    print(f"shape {args.shape} ({f32 / 2**20:.0f} MiB of float32), kernels: {_C.kernel_isa()}, "
          f"host threads: {torch.get_num_threads()}, median of {args.repeats}")
    print(f"memcpy (ttnn thread pool): {2 * f32 / memcpy_s / 1e9:6.2f} GB/s   "
          f"memcpy (numpy, 1 thread): {2 * f32 / memcpy_1t_s / 1e9:6.2f} GB/s")
    print(f"{'case':32} {'GB/s':>7} {'vs memcpy':>10} {'ms':>8} {'torch ms':>9}")
    for name, fn, moved, torch_fn in cases:
        s = median_seconds(fn, args.repeats)
        torch_ms = f"{median_seconds(torch_fn, args.repeats) * 1e3:9.2f}" if torch_fn else f"{'-':>9}"
        print(f"{name:32} {moved / s / 1e9:7.2f} {memcpy_s / s * moved / (2 * f32):10.2f} {s * 1e3:8.2f} {torch_ms}")


if __name__ == "__main__":
    main()
