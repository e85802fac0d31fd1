"""matmul / linear / attention throughput against torch in the same process.

Per shape and numerics mode: milliseconds, GFLOP/s, fraction of the fp32 FMA peak (nominal: 2 FMA
ports x 8 lanes x 2 FLOP x clock per core, and measured with 256-bit FMA chains on the device's
threads, both printed in the header), and speed relative to torch (torch time / our time, torch's
fp32 matmul or F.linear on the same shape; >= 1 means we are as fast or faster). Our call and torch's
alternate within each repeat and medians are taken, so load from other processes hits both alike.
Times include the whole op: decoding the inputs, the GEMM, the fused output pass and rounding the
output into its dtype.

Modes: hifi4 = bfloat16 in/out, HiFi4, fp32_dest_acc_en; lofi = the same at LoFi; fast = float32 in/out
in FAST mode (plain fp32 GEMM); default = bfloat16 in/out with TT-NN's default config (HiFi2, bf16
destination register).

    python bench/ops_matmul.py [--repeats 9] [--modes hifi4,fast,lofi,default] [--threads N] [--cpu-time]

--cpu-time: one device thread and one torch thread, each call timed by the calling thread's CPU time
(time.thread_time): on a machine shared with other jobs this measures the kernels' own cost, not the
scheduler's; the measured FMA peak is then CPU-time based too.
"""

import argparse
import statistics
import time

import torch

import ttnn

SHAPES = [
    # name, a shape, b shape (weight [in, out] for linear), kind
    ("bert qkv/out  [1024,768]x[768,768]", [8, 128, 768], [768, 768], "linear"),
    ("bert ffn1     [1024,768]x[768,3072]", [8, 128, 768], [768, 3072], "linear"),
    ("bert ffn2     [1024,3072]x[3072,768]", [8, 128, 3072], [3072, 768], "linear"),
    ("bert scores   [96,128,64]x[96,64,128]", [96, 128, 64], [96, 64, 128], "matmul"),
    ("bert context  [96,128,128]x[96,128,64]", [96, 128, 128], [96, 128, 64], "matmul"),
    ("batch-1 linear [1,768]x[768,3072]", [1, 768], [768, 3072], "linear"),
    ("batch-1 linear [1,3072]x[3072,768]", [1, 3072], [3072, 768], "linear"),
    ("batch-1 linear [1,4096]x[4096,4096]", [1, 4096], [4096, 4096], "linear"),  # W beyond L3 in fp32
    ("small batch   [32,768]x[768,3072]", [32, 768], [768, 3072], "linear"),
    # nn.Linear's [out, in] weight, row-major, transpose_b=True: what compiled models pass.
    ("nt batch-1    [1,768]x[3072,768]^T", [1, 768], [768, 3072], "linear_nt"),
    ("nt batch-1    [1,3072]x[768,3072]^T", [1, 3072], [3072, 768], "linear_nt"),
    ("nt decode-8   [8,4096]x[4096,4096]^T", [8, 4096], [4096, 4096], "linear_nt"),
]


def nominal_peak_gflops(threads):
    mhz = 0.0
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                mhz = max(mhz, float(line.split(":")[1]))
    return 32 * mhz / 1e3 * threads


def alternate_medians(fns, repeats, clock=time.perf_counter):
    for fn in fns:
        # Warm-up to steady state (kernel JIT, the host allocator's cache, the clock): 3 calls, at least 0.2 s.
        start = time.perf_counter()
        for calls in range(1, 1000):
            fn()
            if calls >= 3 and time.perf_counter() - start > 0.2:
                break
    times = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            start = clock()
            fn()
            times[i].append(clock() - start)
    return [statistics.median(t) for t in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--modes", default="hifi4,fast,lofi,default")
    parser.add_argument("--threads", type=int, default=None, help="device threads (default: all cores)")
    parser.add_argument("--only", default="", help="run the shapes whose name contains this text")
    parser.add_argument("--cpu-time", action="store_true", help="1 thread each, timed by thread CPU time")
    args = parser.parse_args()
    clock = time.thread_time if args.cpu_time else time.perf_counter
    if args.cpu_time:
        args.threads = 1

    device = ttnn.open_device(device_id=0, num_threads=args.threads)
    threads = device.num_threads()
    torch.set_num_threads(threads)
    info = ttnn._C.ops._gemm_backend_info()
    nominal = nominal_peak_gflops(threads)
    wall, cpu = time.perf_counter(), clock()
    measured = ttnn._C.ops._fma_peak_gflops(device, 0.3)
    measured *= (time.perf_counter() - wall) / (clock() - cpu)
    print(f"GEMM: sgemm from {info['sgemm']} ({info['library']}); OpenBLAS {info['config']} ({info['core']}) for sgemv; "
          f"{info['blas_threads']} BLAS thread per call, "
          f"{threads} device threads; torch {torch.__version__} with {torch.get_num_threads()} threads")
    print(f"fp32 FMA peak: nominal {nominal:.0f} GFLOP/s (AVX2, 32 FLOP/cycle/core at /proc/cpuinfo's clock), "
          f"measured now {measured:.0f} GFLOP/s; median of {args.repeats}, ours and torch alternating, "
          f"{'thread CPU time' if args.cpu_time else 'wall time'}")
    print(f"{'shape':40} {'mode':8} {'ms':>8} {'GFLOP/s':>8} {'%nom':>6} {'%meas':>6} {'torch ms':>9} "
          f"{'torch/ours':>10} {'W GB/s':>7}")

    modes = args.modes.split(",")
    hifi4 = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=True)
    lofi = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.LoFi, fp32_dest_acc_en=True)
    torch.manual_seed(0)
    for name, a_shape, b_shape, kind in SHAPES:
        if args.only not in name:
            continue
        a = torch.randn(a_shape)
        b = torch.randn(b_shape) / b_shape[-2] ** 0.5
        flops = 2 * a.numel() // a_shape[-1] * a_shape[-1] * b_shape[-1]
        if kind == "matmul":
            flops = 2 * a_shape[0] * a_shape[1] * a_shape[2] * b_shape[2]
        w_t = b.mT.contiguous()  # torch.nn.Linear's layout
        bias = torch.randn(b_shape[-1])

        def torch_call():
            return torch.matmul(a, b) if kind == "matmul" else torch.nn.functional.linear(a, w_t, bias)

        for mode in modes:
            dtype = ttnn.float32 if mode == "fast" else ttnn.bfloat16
            ta = ttnn.from_torch(a, dtype=dtype, layout=ttnn.TILE_LAYOUT, device=device)
            if kind == "linear_nt":
                tb = ttnn.from_torch(w_t, dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT, device=device)
            else:
                tb = ttnn.from_torch(b, dtype=dtype, layout=ttnn.TILE_LAYOUT, device=device)
            tbias = ttnn.from_torch(bias.reshape(1, -1), dtype=dtype, layout=ttnn.TILE_LAYOUT, device=device)
            config = {"hifi4": hifi4, "lofi": lofi}.get(mode)
            ttnn.set_numerics_mode(ttnn.NumericsMode.FAST if mode == "fast" else ttnn.NumericsMode.FAITHFUL)

            def ours():
                if kind == "matmul":
                    return ttnn.matmul(ta, tb, compute_kernel_config=config)
                return ttnn.linear(ta, tb, bias=tbias, transpose_b=kind == "linear_nt", compute_kernel_config=config)

            t_ours, t_torch = alternate_medians([ours, torch_call], args.repeats, clock)
            gflops = flops / t_ours / 1e9
            w_gbs = b.numel() * (2 if dtype == ttnn.bfloat16 else 4) / t_ours / 1e9 if a_shape[0] <= 8 else None
            print(f"{name:40} {mode:8} {t_ours * 1e3:8.3f} {gflops:8.1f} {100 * gflops / nominal:5.0f}% "
                  f"{100 * gflops / measured:5.0f}% {t_torch * 1e3:9.3f} {t_torch / t_ours:10.2f} "
                  f"{'' if w_gbs is None else f'{w_gbs:7.1f}'}")
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAITHFUL)
    ttnn.close_device(device)


if __name__ == "__main__":
    main()
