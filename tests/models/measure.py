"""Measure one row of the model table (see tests/models/README.md for every field).

    python tests/models/measure.py NAME [--full] [--out result.json] [--metrics-dir DIR]
                                        [--no-inductor] [--no-census] [--iters N] [--budget S]

Phases, each on a fresh deep copy of the same seeded model, in one process:
  eager     fp32 reference: first call (warm-up) then steady calls; reference outputs (or, for
            "-train" rows, the input's gradient after loss(output).backward(), loss a fixed random
            projection); also torch's own bfloat16 model against it (pcc_torch_bf16): how far
            bf16 numerics alone move the output or gradient.
  ttnn      torch.compile(model, backend=torch_ttnn.backend,
                          options=torch_ttnn.TorchTtnnOption(device=dev, metrics_path=...)):
            first call (compile + run) = first_run_ms, PCC vs eager, steady calls, compiler metrics.
  census    (when the compiler wrote no op counts) the ATen graph of aot_autograd, counted here.
  inductor  torch.compile(model) default backend: first call and steady calls, for comparison.
The result JSON is rewritten after every phase, so a timeout or crash keeps what was measured.
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import copy
import gc
import json
import math
import os
import statistics
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# OpenMP threads (libgomp: PyTorch eager, inductor's C++ kernels, the BLAS our kernels call) spin
# at barriers by default; on a shared or oversubscribed machine a spinning thread that loses its
# core stalls every parallel region (measured here: MobileNetV2 eager 930 ms/call spinning vs 68 ms
# passive, 2 threads, load ~2). Passive waiting for every phase, unless the caller chose; set
# before torch (and libgomp) is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from tests.models import registry  # noqa: E402

PCC_THRESHOLD = 0.99
# 1-element or constant outputs have no correlation: they pass if |got - ref| <= ATOL + RTOL*|ref|.
# bf16-level, not fp32-level: a scalar computed by long dot products (a classifier logit, DPR's
# relevance_logits) carries the rounding error of its terms, not of its own value (DPR: -0.1758 vs
# -0.1851 while its start_logits, same head, have PCC 0.9999 and errors of 0.01).
SCALAR_RTOL, SCALAR_ATOL = 0.05, 0.02
SEED = 0


# ----------------------------------------------------------------------------- memory
def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


class PeakRSS:
    """Peak resident-set growth of this process during a block, in MiB: the kernel's high-water
    mark VmHWM is reset to the current RSS (write 5 to /proc/self/clear_refs) at entry and read at
    exit; the result is VmHWM(exit) - VmRSS(entry). Includes everything the block allocates
    (compiled code, constants, activations, caches), freed or not."""

    def __enter__(self):
        self.ok = True
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            self.ok = False
        self.base = _status_kib("VmRSS")
        return self

    def __exit__(self, *exc):
        hwm = _status_kib("VmHWM")
        self.mib = round((hwm - self.base) / 1024, 1) if (self.ok and hwm and self.base) else None
        return False


# ----------------------------------------------------------------------------- comparison
def _flat_outputs(row, out):
    if row.outputs is not None:
        return row.outputs(out)
    return registry._tensors(out)


def pcc(a: torch.Tensor, b: torch.Tensor) -> tuple[float, bool]:
    """Pearson correlation in float64; returns (pcc, shapes_equal). Differing shapes are compared
    on their common leading block. Integer/bool tensors: fraction of equal elements. Constant
    or single-element tensors: 1.0 if allclose(rtol SCALAR_RTOL, atol SCALAR_ATOL) else 0.0.
    Non-finite entries (masked logits) must match exactly and are left out of the correlation."""
    same = tuple(a.shape) == tuple(b.shape)
    a, b = a.detach().cpu(), b.detach().cpu()
    if not same:
        if a.dim() != b.dim():
            return 0.0, False
        sl = tuple(slice(0, min(x, y)) for x, y in zip(a.shape, b.shape))
        a, b = a[sl], b[sl]
    if a.numel() == 0:
        return (1.0 if b.numel() == 0 else 0.0), same
    if not (a.is_floating_point() or a.is_complex()):
        return float((a == b.to(a.dtype)).double().mean()), same
    a, b = a.double().flatten(), b.double().flatten()
    finite_a, finite_b = torch.isfinite(a), torch.isfinite(b)
    if not (finite_a.all() and finite_b.all()):
        # Masked logits (-inf for suppressed tokens): the same entries must be non-finite, with the
        # same values; the rest is correlated as usual.
        if not torch.equal(finite_a, finite_b) or not torch.equal(a[~finite_a].nan_to_num(), b[~finite_b].nan_to_num()):
            return 0.0, same
        a, b = a[finite_a], b[finite_b]
        if a.numel() == 0:
            return 1.0, same
    da, db = a - a.mean(), b - b.mean()
    na, nb = da.norm(), db.norm()
    if a.numel() == 1 or na == 0 or nb == 0:
        return (1.0 if torch.allclose(b, a, rtol=SCALAR_RTOL, atol=SCALAR_ATOL) else 0.0), same
    return float((da @ db) / (na * nb)), same


def compare(ref: list, got: list) -> dict:
    if len(ref) != len(got):
        return {"pcc": 0.0, "pcc_each": [], "note": f"{len(got)} outputs vs {len(ref)} in eager"}
    each, mismatched, scalars = [], 0, []
    for r, g in zip(ref, got):
        v, same = pcc(r, g)
        each.append(round(v, 6))
        mismatched += not same
        if r.numel() == 1 and g.numel() == 1 and (r.is_floating_point() or g.is_floating_point()):
            scalars.append([float(r.reshape(-1)[0]), float(g.reshape(-1)[0])])  # [eager, compiled]
    res = {"pcc": min(each) if each else None, "pcc_each": each}
    if scalars:
        res["scalar_outputs"] = scalars
    if mismatched:
        res["note"] = f"{mismatched} output(s) differ in shape; compared on the common block"
    return res


def task_metrics(row, ref: list, got: list) -> dict:
    """The row's own metrics (registry.Row.metrics: min_cosine, accuracy_eager, ...) of the compiled
    outputs against eager; {} for rows without; a failing metric is recorded, not raised."""
    if row.metrics is None:
        return {}
    try:
        return row.metrics(ref, got)
    except Exception as e:  # noqa: BLE001
        return {"metrics_error": f"{type(e).__name__}: {str(e)[:200]}"}


# ----------------------------------------------------------------------------- running a row
def _zero_dropout(model: nn.Module):
    for m in model.modules():
        if isinstance(m, nn.modules.dropout._DropoutNd):
            m.p = 0.0
        for attr in ("drop_rate", "drop_prob", "dropout_p", "attention_dropout", "dropout", "p"):
            if attr == "p" and not type(m).__name__.lower().startswith(("stochasticdepth", "droppath")):
                continue
            v = getattr(m, attr, None)
            if isinstance(v, float) and not isinstance(getattr(type(m), attr, None), property):
                try:
                    setattr(m, attr, 0.0)
                except Exception:
                    pass


def _clone_inputs(args, kwargs):
    def c(v):
        if isinstance(v, torch.Tensor):
            return v.clone()
        if isinstance(v, (list, tuple)):
            return type(v)(c(x) for x in v)
        if isinstance(v, dict):
            return {k: c(x) for k, x in v.items()}
        return v
    return c(args), c(kwargs)


class Runner:
    """One call of a row on a model (forward, generate, or forward+backward for -train rows),
    returning the compared tensors."""

    def __init__(self, row, args, kwargs):
        self.row, self.args, self.kwargs = row, args, kwargs

    def __call__(self, model):
        row = self.row
        args, kwargs = _clone_inputs(self.args, self.kwargs)
        if row.train:
            key = row.grad_input
            x = args[key] if isinstance(key, int) else kwargs[key]
            x.requires_grad_(True)
            out = model(*args, **kwargs)
            loss = (row.loss or registry.default_loss)(out)
            loss.backward()
            return [x.grad.detach().clone()]
        with torch.no_grad():
            if row.mode == "generate":
                kw = dict(kwargs, **(row.gen_kwargs or {}))
                if hasattr(model, "generation_config"):
                    kw.update(return_dict_in_generate=True, output_scores=True)
                out = model.generate(*args, **kw)
                if isinstance(out, torch.Tensor):
                    return [out]
                return [out.sequences] + ([torch.stack(out.scores, 1)] if out.scores else [])
            return _flat_outputs(row, model(*args, **kwargs))


def torch_bf16_reference(row, base, args, kwargs, ref) -> dict:
    """PCC of torch's own bfloat16 model (weights and float inputs cast) against the fp32 eager
    reference: what bf16 numerics alone reach, a ceiling for faithful mode."""
    def cast(v):  # detection models take lists of images
        if isinstance(v, (list, tuple)):
            return type(v)(cast(x) for x in v)
        return v.to(torch.bfloat16) if isinstance(v, torch.Tensor) and v.is_floating_point() else v

    try:
        model = copy.deepcopy(base).to(torch.bfloat16)
        torch.manual_seed(SEED)
        got = Runner(row, [cast(a) for a in args], {k: cast(v) for k, v in kwargs.items()})(model)
        return {"pcc_torch_bf16": compare(ref, [g.float() for g in got])["pcc"]}
    except Exception as e:  # noqa: BLE001  (some models do not run in bf16 on the CPU)
        return {"pcc_torch_bf16_error": f"{type(e).__name__}: {str(e)[:200]}"}


def _compile(row, model, **compile_kw):
    """torch.compile the model; generate rows compile the listed submodules / forward in place."""
    if row.mode != "generate":
        return torch.compile(model, **compile_kw)
    for path in row.compile_attrs or ("forward",):
        *parents, last = path.split(".")
        obj = model
        for p in parents:
            obj = getattr(obj, p)
        setattr(obj, last, torch.compile(getattr(obj, last), **compile_kw))
    return model


def _timed(fn, iters, budget, warm=True):
    """Steady-state timing: one warm-up call (when warm), then calls until `iters` or `budget`
    seconds; returns (median seconds, number of timed calls)."""
    if warm:
        fn()
    times, t_end = [], time.perf_counter() + budget
    while len(times) < iters and (not times or time.perf_counter() < t_end):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(times)


def _error(e: BaseException) -> dict:
    msg = str(e).strip().splitlines()
    return {"error_class": type(e).__name__, "error": (msg[0] if msg else "")[:300],
            "traceback": traceback.format_exc()[-3000:]}


# ----------------------------------------------------------------------------- compiler metrics
def read_compiler_metrics(path: str) -> dict | None:
    """The JSON torch_ttnn writes to metrics_path (schema in tests/models/README.md). Accepts a
    missing file, a file per compiled graph in a directory, and unknown/missing keys."""
    files = []
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".json"))
    elif os.path.isfile(path):
        files = [path]
    docs = []
    for f in files:
        try:
            with open(f) as fh:
                d = json.load(fh)
            docs.extend(d if isinstance(d, list) else [d])
        except (OSError, ValueError):
            continue
    docs = [d for d in docs if isinstance(d, dict)]
    if not docs:
        return None
    merged = {"ops_before": 0, "ops_after_in_torch": 0, "device_transfers": 0, "aten_ops": {},
              "input_variations": {}, "raw_keys": sorted({k for d in docs for k in d})}
    seen = collections.Counter()
    for d in docs:
        for k in ("ops_before", "ops_after_in_torch", "device_transfers"):
            v = d.get(k)
            if isinstance(v, (int, float)):
                merged[k] += int(v)
                seen[k] += 1
        for op, info in (d.get("aten_ops") or {}).items():
            if not isinstance(info, dict):
                info = {"count": info}
            m = merged["aten_ops"].setdefault(op, {"count": 0, "lowered": True, "reason": ""})
            m["count"] += int(info.get("count", 0) or 0)
            if info.get("lowered") is False:
                m["lowered"] = False
                m["reason"] = m["reason"] or str(info.get("reason") or "")
        for op, sigs in (d.get("input_variations") or {}).items():
            lst = merged["input_variations"].setdefault(op, [])
            for s in sigs if isinstance(sigs, list) else [sigs]:
                if str(s) not in lst:
                    lst.append(str(s))
    for k in ("ops_before", "ops_after_in_torch", "device_transfers"):
        if not seen[k]:
            merged[k] = None
    ops = merged["aten_ops"]
    # unique counts: prefer the compiler's; else derive them from aten_ops when it is present
    for key, derived in (("unique_ops_before", len(ops) if ops else None),
                         ("unique_ops_remaining", sum(1 for v in ops.values() if not v["lowered"]) if ops else None)):
        vals = [d.get(key) for d in docs if isinstance(d.get(key), int)]
        merged[key] = (vals[0] if len(docs) == 1 else derived) if vals else derived
    if merged["ops_before"] is None and ops:
        merged["ops_before"] = sum(v["count"] for v in ops.values())
    if merged["ops_after_in_torch"] is None and ops:
        merged["ops_after_in_torch"] = sum(v["count"] for v in ops.values() if not v["lowered"])
    return merged


# ----------------------------------------------------------------------------- census (fallback)
def _sig(v) -> str:
    if isinstance(v, torch.fx.Node):
        val = v.meta.get("val")
        if isinstance(val, torch.Tensor):
            return f"Tensor<{list(val.shape)}, {str(val.dtype).replace('torch.', '')}>"
        if isinstance(val, (list, tuple)):
            return "[" + ", ".join(_sig_val(x) for x in val) + "]"
        return _sig_val(val)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_sig(x) for x in v) + "]"
    return repr(v)


def _sig_val(x):
    if isinstance(x, torch.Tensor):
        return f"Tensor<{list(x.shape)}, {str(x.dtype).replace('torch.', '')}>"
    return repr(x)


def aten_census(row, model, runner) -> dict:
    """Count the ATen ops of the graphs aot_autograd produces (forward, and backward for -train
    rows) with no decompositions: what a compiler receives before lowering."""
    from functorch.compile import make_boxed_func
    from torch._dynamo.backends.common import aot_autograd

    counts, variations = collections.Counter(), collections.defaultdict(list)

    def count(gm, example_inputs):
        for n in gm.graph.nodes:
            if n.op == "call_function" and isinstance(n.target, torch._ops.OpOverload):
                name = str(n.target)
                counts[name] += 1
                s = "(" + ", ".join([_sig(a) for a in n.args] + [f"{k}={_sig(v)}" for k, v in n.kwargs.items()]) + ")"
                if s not in variations[name] and len(variations[name]) < 50:
                    variations[name].append(s)
        return make_boxed_func(gm.forward)

    torch._dynamo.reset()
    runner(_compile(row, model, backend=aot_autograd(fw_compiler=count, bw_compiler=count)))
    torch._dynamo.reset()
    return {"ops_before": sum(counts.values()), "unique_ops_before": len(counts),
            "aten_ops": {k: {"count": v} for k, v in sorted(counts.items())},
            "input_variations": dict(variations)}


# ----------------------------------------------------------------------------- main measurement
def ttnn_backend():
    """(torch_ttnn module, None) or (None, reason). Only a backend that does not exist yet (no
    torch_ttnn.backend module / attribute) is reported as missing; any other import error raises,
    so a broken compiler fails loudly instead of being skipped."""
    try:
        import torch_ttnn
    except ModuleNotFoundError as e:
        if e.name in ("torch_ttnn.backend", "torch_ttnn.options"):
            return None, f"torch_ttnn.backend not available (import torch_ttnn: {e})"
        raise
    if not hasattr(torch_ttnn, "backend") or not hasattr(torch_ttnn, "TorchTtnnOption"):
        return None, "torch_ttnn.backend not available"
    return torch_ttnn, None


def measure(name: str, full: bool = False, out_path: str | None = None, metrics_dir: str | None = None,
            inductor: bool = True, census: bool = True, iters: int = 5, budget: float = 20.0) -> dict:
    row = registry.get(name)
    res = {"name": name, "batch": row.run_batch, "seed_batch": row.batch, "group": row.group,
           "source": row.source, "train": row.train, "mode": row.mode,
           "config": "full" if (full or not row.reduced) else "reduced", "reduced": row.reduced if not full else None,
           "notes": row.notes, "seed_status": row.seed_status, "torch": torch.__version__,
           "threads": torch.get_num_threads(), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
           "load_avg_start": round(os.getloadavg()[0], 2),
           "status": "❌", "phase": "build"}

    def save():
        if out_path:
            tmp = out_path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(res, f, indent=1, default=str)
            os.replace(tmp, out_path)

    save()
    missing = row.missing_packages()
    if row.unavailable or missing:
        res.update(error_class="Unavailable", error=row.unavailable or f"missing packages: {', '.join(missing)}")
        save()
        return res
    # ---- build
    try:
        torch.manual_seed(SEED)
        t = time.perf_counter()
        base = row.build(full or not row.reduced)
        res["build_s"] = round(time.perf_counter() - t, 2)
        res["params_m"] = round(sum(p.numel() for p in base.parameters()) / 1e6, 2)
        base = base.float()
        if row.train:
            base.train()
            _zero_dropout(base)
        else:
            base.eval()
        args, kwargs = row.inputs(row.run_batch)
        runner = Runner(row, args, kwargs)
    except Exception as e:  # noqa: BLE001
        res.update(_error(e))
        save()
        return res
    batch = row.run_batch

    # ---- eager
    res["phase"] = "eager"
    save()
    try:
        m = copy.deepcopy(base)
        torch.manual_seed(SEED)
        with PeakRSS() as mem:
            t = time.perf_counter()
            ref = runner(m)
            res["eager_first_ms"] = round((time.perf_counter() - t) * 1e3, 2)
            med, n = _timed(lambda: runner(m), iters, budget, warm=False)  # first call was the warm-up
        res.update(eager_ms=round(med * 1e3, 3), eager_calls=n, eager_throughput=batch / med,
                   eager_peak_mib=mem.mib, outputs=[list(r.shape) for r in ref])
        del m
    except Exception as e:  # noqa: BLE001
        res.update(_error(e))
        res["error_class"] = "EagerError:" + res["error_class"]
        save()
        return res
    gc.collect()
    # Every mode (generate too: greedy decoding on random weights flips on near-ties; -train rows:
    # their gradients).
    res.update(torch_bf16_reference(row, base, args, kwargs, ref))

    # ---- ttnn
    res["phase"] = "ttnn"
    save()
    try:
        tt, reason = ttnn_backend()
    except Exception as e:  # noqa: BLE001  (a broken torch_ttnn import is this row's failure)
        tt, reason = None, f"import torch_ttnn: {type(e).__name__}: {e}"
    metrics = None
    if tt is None:
        res.update(error_class="BackendUnavailable" if reason.startswith("torch_ttnn.backend not available")
                   else "TorchTtnnImportError", error=reason)
    else:
        import ttnn
        metrics_path = os.path.join(metrics_dir or os.path.dirname(out_path or ".") or ".",
                                    f"metrics_{os.getpid()}.json")
        if os.path.exists(metrics_path):
            os.remove(metrics_path)
        dev = None
        try:
            # ttnn's default device (device 0), shared with anything else in this process.
            dev = tt.TorchTtnnOption().resolved_device()
            m = copy.deepcopy(base)
            torch._dynamo.reset()
            option = tt.TorchTtnnOption(device=dev, metrics_path=metrics_path)
            with PeakRSS() as mem:
                cm = _compile(row, m, backend=tt.backend, options=option)
                torch.manual_seed(SEED)
                t = time.perf_counter()
                got = runner(cm)
                res["first_run_ms"] = round((time.perf_counter() - t) * 1e3, 2)
                res.update(compare(ref, got))
                res.update(task_metrics(row, ref, got))
                save()
                med, n = _timed(lambda: runner(cm), iters, budget)
            res.update(compiled_ms=round(med * 1e3, 3), compiled_calls=n, compiled_throughput=batch / med,
                       peak_mib=mem.mib)
            del cm, m
        except Exception as e:  # noqa: BLE001
            res.update(_error(e))
        finally:
            torch._dynamo.reset()
        metrics = read_compiler_metrics(metrics_path)
        if metrics:
            res["metrics_source"] = "compiler"
            res.update({k: metrics.get(k) for k in ("ops_before", "ops_after_in_torch", "unique_ops_before",
                                                     "unique_ops_remaining", "device_transfers", "aten_ops",
                                                     "input_variations", "raw_keys")})
    save()
    gc.collect()

    # ---- census (ops before, when the compiler did not say)
    if census and res.get("ops_before") is None:
        res["phase"] = "census"
        save()
        try:
            c = aten_census(row, copy.deepcopy(base), runner)
            res.update(c, metrics_source="census")
        except Exception as e:  # noqa: BLE001
            res["census_error"] = f"{type(e).__name__}: {str(e)[:200]}"
        save()
        gc.collect()

    # ---- inductor
    if inductor:
        res["phase"] = "inductor"
        save()
        try:
            torch._dynamo.reset()
            m = copy.deepcopy(base)
            with PeakRSS() as mem:
                cm = _compile(row, m)
                t = time.perf_counter()
                got = runner(cm)
                res["inductor_first_ms"] = round((time.perf_counter() - t) * 1e3, 2)
                res["inductor_pcc"] = compare(ref, got)["pcc"]
                if row.metrics is not None:
                    res["inductor_metrics"] = task_metrics(row, ref, got)
                med, n = _timed(lambda: runner(cm), iters, budget)
            res.update(inductor_ms=round(med * 1e3, 3), inductor_calls=n, inductor_throughput=batch / med,
                       inductor_peak_mib=mem.mib)
            del cm, m
        except Exception as e:  # noqa: BLE001
            res["inductor_error"] = f"{type(e).__name__}: {str(e)[:200]}"
        torch._dynamo.reset()

    # ---- status
    res["phase"] = "done"
    res["status"] = status_of(res)
    res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    save()
    return res


def status_of(res: dict) -> str:
    """✅ only if the compiled model ran, no op remains in torch (per the compiler's own count)
    and PCC >= 0.99; 🚧 if it ran otherwise; ❌ if it did not run."""
    if res.get("error_class") or res.get("compiled_throughput") is None:
        return "❌"
    remaining = res.get("ops_after_in_torch") if res.get("metrics_source") == "compiler" else None
    p = res.get("pcc")
    if remaining == 0 and p is not None and not math.isnan(p) and p >= PCC_THRESHOLD:
        return "✅"
    return "🚧"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name")
    ap.add_argument("--full", action="store_true", help="full config for rows that default to a reduced one")
    ap.add_argument("--out", help="result JSON (rewritten after every phase)")
    ap.add_argument("--metrics-dir", help="where the compiler writes its metrics JSON")
    ap.add_argument("--no-inductor", action="store_true")
    ap.add_argument("--no-census", action="store_true")
    ap.add_argument("--iters", type=int, default=5, help="steady calls per phase (median)")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds of steady calls per phase, at most")
    a = ap.parse_args(argv)
    res = measure(a.name, a.full, a.out, a.metrics_dir, not a.no_inductor, not a.no_census, a.iters, a.budget)
    brief = {k: v for k, v in res.items() if k not in ("aten_ops", "input_variations", "traceback")}
    print(json.dumps(brief, indent=1, default=str))
    return 0 if res["status"] != "❌" or res.get("error_class") in ("BackendUnavailable",) else 1


if __name__ == "__main__":
    sys.exit(main())
