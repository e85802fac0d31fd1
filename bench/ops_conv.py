"""Convolution benchmark: ResNet-50's 3x3 and 1x1 layers (and the stem), plus depthwise layers.

Per layer: GFLOP/s and fraction of the fp32 FMA peak (measured on this machine for the device's
thread count) for ttnn.conv2d in fast fp32 mode and faithful bf16 HiFi4 mode, and the speed ratio
against torch.nn.functional.conv2d in the same process (torch time / our time: > 1 means we are
faster). Each number is a median over interleaved blocks of calls, so that a noisy machine hits
both sides.

    python bench/ops_conv.py [--batch 1 8] [--repeats 15] [--threads N] [--layers stem,3x3] [--cpu-time]

Fractions of peak are given against the measured peak of the widest FMA (AVX-512 where the CPU
has it, which oneDNN uses) and of 256-bit FMA (the issue's "~87 GFLOP/s per core"). On a shared
machine wall times swing with the load; --cpu-time reports process CPU time instead (fair to our
pool-driven kernels, unfair to torch, whose OpenMP threads spin while they wait).
"""

import argparse
import statistics
import time

import torch

import ttnn

# name, H=W, C_in, C_out, kernel, stride, groups
LAYERS = [
    ("stem 7x7/2", 224, 3, 64, 7, 2, 1),
    ("1x1 56 64->64", 56, 64, 64, 1, 1, 1),
    ("3x3 56 64->64", 56, 64, 64, 3, 1, 1),
    ("1x1 56 64->256", 56, 64, 256, 1, 1, 1),
    ("1x1 56 256->64", 56, 256, 64, 1, 1, 1),
    ("3x3 28 128->128", 28, 128, 128, 3, 1, 1),
    ("1x1 28 128->512", 28, 128, 512, 1, 1, 1),
    ("3x3 14 256->256", 14, 256, 256, 3, 1, 1),
    ("1x1 14 256->1024", 14, 256, 1024, 1, 1, 1),
    ("3x3 7 512->512", 7, 512, 512, 3, 1, 1),
    ("1x1 7 512->2048", 7, 512, 2048, 1, 1, 1),
    ("dw3x3 56 128", 56, 128, 128, 3, 1, 128),
    ("dw3x3 28 256", 28, 256, 256, 3, 1, 256),
    ("dw3x3 14 512", 14, 512, 512, 3, 1, 512),
]


def flops(n, hw, cin, cout, k, s, g):
    ho = (hw + 2 * (k // 2) - k) // s + 1
    return 2.0 * n * ho * ho * cout * (cin // g) * k * k


CLOCK = time.perf_counter
ROUNDS = 3


def timed(fn):
    t0 = CLOCK()
    fn()
    return CLOCK() - t0


def bench_layer(device, layer, n, repeats):
    name, hw, cin, cout, k, s, g = layer
    pad = k // 2
    x = torch.randn(n, cin, hw, hw)
    w = torch.randn(cout, cin // g, k, k) * (1.0 / (cin // g * k * k)) ** 0.5
    b = torch.randn(cout)
    x_nhwc = x.permute(0, 2, 3, 1).contiguous()

    def make(dtype):
        tx = ttnn.from_torch(x_nhwc, dtype=dtype, device=device)
        tw = ttnn.from_torch(w, dtype=dtype)
        tb = ttnn.from_torch(b.reshape(1, 1, 1, cout), dtype=dtype)
        return tx, tw, tb

    configs = {
        "fast": (ttnn.NumericsMode.FAST, ttnn.float32, None),
        "faithful": (
            ttnn.NumericsMode.FAITHFUL,
            ttnn.bfloat16,
            ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=True),
        ),
    }
    calls = {}
    for key, (mode, dtype, compute) in configs.items():
        tx, tw, tb = make(dtype)

        def call(mode=mode, tx=tx, tw=tw, tb=tb, compute=compute):
            ttnn.set_numerics_mode(mode)
            out = ttnn.conv2d(
                input_tensor=tx, weight_tensor=tw, bias_tensor=tb, device=device, in_channels=cin,
                out_channels=cout, batch_size=n, input_height=hw, input_width=hw, kernel_size=(k, k),
                stride=(s, s), padding=(pad, pad), groups=g, compute_config=compute,
            )
            ttnn.deallocate(out)

        calls[key] = call

    def torch_call():
        torch.nn.functional.conv2d(x, w, b, stride=s, padding=pad, groups=g)

    calls["torch"] = torch_call
    for fn in calls.values():  # warm up: primitives, packed weights, pages
        fn()
        fn()
    # Blocks of back-to-back calls (as a model runs layer after layer), the blocks of the three
    # configurations interleaved over a few rounds. torch's OpenMP workers keep spinning for tens
    # of milliseconds after a call, on the cores the next block needs: after torch's block, wait
    # until they sleep. The first call of a block (which wakes idle cores) is not counted.
    times = {key: [] for key in calls}
    for _ in range(ROUNDS):
        for key, fn in calls.items():
            fn()
            for _ in range(repeats):
                times[key].append(timed(fn))
            if key == "torch":
                time.sleep(0.2)
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAITHFUL)
    return {key: statistics.median(v) for key, v in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per block (3 blocks)")
    parser.add_argument("--threads", type=int, default=0, help="device threads (0: all host cores)")
    parser.add_argument("--layers", default="", help="comma-separated substrings of layer names")
    parser.add_argument("--cpu-time", action="store_true", help="process CPU time instead of wall time")
    args = parser.parse_args()
    global CLOCK
    if args.cpu_time:
        CLOCK = time.process_time

    device = ttnn.open_device(device_id=0, **({"num_threads": args.threads} if args.threads else {}))
    threads = device.num_threads()
    torch.set_num_threads(threads)
    info = ttnn._C.ops._conv_backend_info()
    # Process CPU time adds up the threads: compare it with one thread's peak.
    peak_threads = 1 if args.cpu_time else threads
    peak = statistics.median(ttnn._C.ops._measure_fma_peak_gflops(peak_threads, 0.2) for _ in range(3))
    peak_avx2 = statistics.median(ttnn._C.ops._measure_fma_peak_gflops(peak_threads, 0.2, False) for _ in range(3))
    print(f"{info['library']}, runtime {info['cpu_runtime']}, ISA {info['isa']}; device threads {threads}; "
          f"torch {torch.__version__} threads {torch.get_num_threads()}")
    print(f"measured fp32 FMA peak on {peak_threads} thread(s): {peak:.0f} GFLOP/s widest ISA ({info['isa']}), "
          f"{peak_avx2:.0f} GFLOP/s 256-bit FMA; clock: {'process CPU' if args.cpu_time else 'wall'}")
    print("fast = NumericsMode.FAST fp32 in/out; bf16 = FAITHFUL bf16 in/out, HiFi4; 'vs torch' = torch ms / ours ms")
    header = (f"{'layer':<18} {'N':>2} {'GFLOP':>6} | {'fast ms':>8} {'GF/s':>6} {'%pk':>4} {'%256':>4} {'vs torch':>8} | "
              f"{'bf16 ms':>8} {'GF/s':>6} {'%pk':>4} {'%256':>4} {'vs torch':>8} | {'torch ms':>8}")
    print(header)
    print("-" * len(header))
    selected = [layer for layer in LAYERS if not args.layers or any(s in layer[0] for s in args.layers.split(","))]
    for n in args.batch:
        for layer in selected:
            t = bench_layer(device, layer, n, args.repeats)
            gflop = flops(n, *layer[1:]) / 1e9
            row = f"{layer[0]:<18} {n:>2} {gflop:>6.2f} |"
            for key in ("fast", "faithful"):
                rate = gflop / t[key]
                row += (f" {t[key] * 1e3:>8.2f} {rate:>6.0f} {rate / peak:>4.0%} {rate / peak_avx2:>4.0%}"
                        f" {t['torch'] / t[key]:>7.2f}x |")
            row += f" {t['torch'] * 1e3:>8.2f}"
            print(row, flush=True)
    ttnn.close_device(device)


if __name__ == "__main__":
    main()
