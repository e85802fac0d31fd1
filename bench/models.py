"""Compiled-model benchmark: torch_ttnn against PyTorch eager and torch.compile (inductor), in one run.

For each model: eager, torch_ttnn (faithful and/or fast numerics) and inductor throughput as the
median of steady calls, each path warmed up first; compile time = first call minus a steady call;
PCC of each compiled output against the fp32 eager output.

    python bench/models.py                          # resnet18, resnet50, bert-base at batch 8
    python bench/models.py --models resnet50 --batch 1 --iters 20 --numerics fast
"""

from __future__ import annotations

import os

# PyTorch's OpenMP threads busy-wait by default; on a shared 2-core machine that stalls eager far
# below its real speed. Passive waiting (set before torch loads) gives eager its fair number.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import statistics
import time

import torch
import torchvision

import ttnn
import torch_ttnn


def build(name: str, batch: int, seq: int):
    torch.manual_seed(0)
    if name.startswith("resnet"):
        model = getattr(torchvision.models, name)(weights=None).eval()
        return model, (torch.randn(batch, 3, 224, 224),)
    if name == "bert-base":
        import transformers

        model = transformers.BertModel(transformers.BertConfig()).eval()
        ids = torch.randint(0, model.config.vocab_size, (batch, seq))
        return model, (ids,)
    raise ValueError(f"unknown model {name!r}")


def first(out):
    if isinstance(out, torch.Tensor):
        return out
    if hasattr(out, "last_hidden_state"):
        return out.last_hidden_state
    return out[0]


def pcc(a, b):
    a, b = a.double().flatten(), b.double().flatten()
    a, b = a - a.mean(), b - b.mean()
    return float((a @ b) / (a.norm() * b.norm()))


def timed(fn, inputs, iters):
    start = time.perf_counter()
    out = fn(*inputs)
    first_s = time.perf_counter() - start
    fn(*inputs)  # warm-up
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn(*inputs)
        times.append(time.perf_counter() - t0)
    return out, first_s, statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", nargs="+", default=["resnet18", "resnet50", "bert-base"])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--numerics", nargs="+", default=["faithful", "fast"])
    parser.add_argument("--no-inductor", action="store_true")
    args = parser.parse_args()
    device = ttnn.open_device(device_id=0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; batch {args.batch}; medians of {args.iters}")
    print("| model | path | items/s | vs eager | vs inductor | compile s | PCC |")
    print("|---|---|---|---|---|---|---|")
    for name in args.models:
        model, inputs = build(name, args.batch, args.seq)
        with torch.no_grad():
            ref, _, eager_s = timed(model, inputs, args.iters)
            ref = first(ref)
            rows = [("eager", eager_s, 0.0, 1.0)]
            inductor_s = None
            if not args.no_inductor:
                torch._dynamo.reset()
                out, first_s, inductor_s = timed(torch.compile(model), inputs, args.iters)
                rows.append(("inductor", inductor_s, first_s - inductor_s, pcc(first(out), ref)))
            for numerics in args.numerics:
                torch._dynamo.reset()
                option = torch_ttnn.TorchTtnnOption(device=device, numerics=numerics)
                compiled = torch.compile(model, backend=torch_ttnn.backend, options=option)
                out, first_s, steady_s = timed(compiled, inputs, args.iters)
                rows.append((f"torch_ttnn {numerics}", steady_s, first_s - steady_s, pcc(first(out), ref)))
        for path, s, compile_s, p in rows:
            vs_ind = f"{inductor_s / s:.2f}x" if inductor_s else "-"
            print(f"| {name} | {path} | {args.batch / s:.2f} | {eager_s / s:.2f}x | {vs_ind} | {compile_s:.2f} | {p:.5f} |",
                  flush=True)
    ttnn.close_device(device)


if __name__ == "__main__":
    main()
