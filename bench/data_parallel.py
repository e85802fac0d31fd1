"""Data-parallel throughput: one model compiled on one device vs a 1x2 mesh with data_parallel=2.

Both at the same global batch: the mesh gives each device half the batch, and each device gets half
of the host's cores (TT-NN's MeshDevice.open splits them). Throughput = batch / median of steady
calls (each compiled path warmed up first); PCC of each output against fp32 eager.

    python bench/data_parallel.py                          # MLP at batch 8
    python bench/data_parallel.py --model cnn --batch 16 --iters 30 --numerics fast
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

import ttnn
import torch_ttnn


def build(name: str, batch: int):
    torch.manual_seed(0)
    if name == "mlp":
        model = torch.nn.Sequential(
            torch.nn.Linear(1024, 4096), torch.nn.ReLU(),
            torch.nn.Linear(4096, 4096), torch.nn.GELU(),
            torch.nn.Linear(4096, 1000),
        ).eval()
        return model, torch.randn(batch, 1024)
    if name == "cnn":
        model = torch.nn.Sequential(
            torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(32, 64, 3, stride=2, padding=1), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2), torch.nn.Flatten(),
            torch.nn.Linear(64 * 16 * 16, 10),
        ).eval()
        return model, torch.randn(batch, 3, 64, 64)
    raise ValueError(f"unknown model {name!r}")


def pcc(a, b):
    a, b = a.double().flatten(), b.double().flatten()
    a, b = a - a.mean(), b - b.mean()
    return float((a @ b) / (a.norm() * b.norm()))


def steady_median(fn, x, iters):
    fn(x)  # compile
    fn(x)  # warm-up
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--numerics", choices=["faithful", "fast"], default="faithful")
    args = parser.parse_args()

    model, x = build(args.model, args.batch)
    with torch.no_grad():
        want = model(x)
    device = ttnn.open_device(device_id=0)
    # Separate devices for the mesh, so both configurations stay open side by side.
    ids = [1, 2] if ttnn.get_num_devices() >= 3 else None
    mesh = ttnn.open_mesh_device(ttnn.MeshShape(1, 2), device_ids=ids)
    print(f"{args.model} batch {args.batch}, numerics={args.numerics}, {args.iters} steady calls; "
          f"host devices: {ttnn.get_num_devices()}")
    results = {}
    configs = [
        ("1 device", torch_ttnn.TorchTtnnOption(device=device, numerics=args.numerics)),
        ("1x2 mesh, data_parallel=2", torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=2, numerics=args.numerics)),
    ]
    for label, option in configs:
        torch._dynamo.reset()
        compiled = torch.compile(model, backend=torch_ttnn.backend, options=option)
        with torch.no_grad():
            seconds = steady_median(compiled, x, args.iters)
            got = compiled(x)
        results[label] = seconds
        print(f"  {label:28s} median {seconds * 1e3:8.2f} ms   {args.batch / seconds:9.1f} samples/s   "
              f"PCC vs eager {pcc(got, want):.5f}")
    one, two = results.values()
    print(f"  data-parallel speed-up (1 device median / mesh median): {one / two:.2f}x")
    ttnn.close_mesh_device(mesh)
    ttnn.close_device(device)


if __name__ == "__main__":
    main()
