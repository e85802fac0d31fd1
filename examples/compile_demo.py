"""The main job: a real model compiled by torch_ttnn and run on ttnn's built-in default device.

torchvision's ResNet-18 (seeded random weights, nothing downloaded) goes through
torch.compile(backend=torch_ttnn.backend); the script prints the model's row as the model table
shows it: status, throughput against eager, PCC against the fp32 eager output, ops remaining.

    python examples/compile_demo.py [--model resnet18] [--batch 1] [--size 224] [--iters 10]
"""

from __future__ import annotations

import os

# PyTorch's OpenMP threads busy-wait by default; on a shared 2-core machine that stalls eager far
# below its real speed. Passive waiting (set before torch loads) gives eager its fair number.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics
import tempfile
import time

import torch
import torchvision

import ttnn  # noqa: F401
import torch_ttnn


def pcc(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.double().flatten(), b.double().flatten()
    a, b = a - a.mean(), b - b.mean()
    return float((a @ b) / (a.norm() * b.norm()))


def median_seconds(fn, x, iters):
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--numerics", default="faithful", choices=["faithful", "fast"])
    args = parser.parse_args()

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)(weights=None).eval()
    x = torch.randn(args.batch, 3, args.size, args.size)

    with torch.no_grad():
        expected = model(x)
        eager_s = median_seconds(model, x, args.iters)

        metrics_path = os.path.join(tempfile.mkdtemp(), "metrics.json")
        # device=None: ttnn's built-in default device (device 0), opened on first use.
        option = torch_ttnn.TorchTtnnOption(metrics_path=metrics_path, numerics=args.numerics)
        compiled = torch.compile(model, backend=torch_ttnn.backend, options=option)
        start = time.perf_counter()
        got = compiled(x)
        first_ms = (time.perf_counter() - start) * 1e3
        compiled(x)
        compiled_s = median_seconds(compiled, x, args.iters)

    with open(metrics_path) as f:
        metrics = json.load(f)
    p = pcc(got, expected)
    remaining = metrics["ops_after_in_torch"]
    status = "✅" if remaining == 0 and p >= 0.99 else "🚧"
    missing = sorted(op for op, e in metrics["aten_ops"].items() if not e["lowered"])
    print(f"| model | status | batch | first run ms | eager inf/s | compiled inf/s | speed-up | PCC | ops before | ops remaining |")
    print(f"|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.model} ({args.numerics}) | {status} | {args.batch} | {first_ms:.0f} | {args.batch / eager_s:.2f} | "
          f"{args.batch / compiled_s:.2f} | {eager_s / compiled_s:.2f}x | {p:.5f} | {metrics['ops_before']} | {remaining} |")
    if missing:
        print("ops still in torch:", ", ".join(missing))


if __name__ == "__main__":
    main()
