#!/usr/bin/env python3
"""Run the model suite: one subprocess per row (tests/models/measure.py) with a timeout, so a crash
or hang is recorded, not fatal. Results are appended to docs/models/results.jsonl as they come;
--resume skips rows already there.

    python tools/run_models.py --list
    python tools/run_models.py [--only NAME ...] [--resume] [--timeout S] [--full] [--no-inductor]
    python tools/run_models.py --fast          # the CI subset

The last line for a row in results.jsonl wins (tools/collect_metrics.py reads it the same way).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from tests.models import measure, registry  # noqa: E402

RESULTS = os.path.join(ROOT, "docs", "models", "results.jsonl")


def load_results(path=RESULTS) -> dict:
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        r = json.loads(line)
                        out[r["name"]] = r
                    except (ValueError, KeyError):
                        pass
    return out


def run_one(name, a, tmpdir) -> dict:
    out = os.path.join(tmpdir, "result.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [sys.executable, os.path.join(ROOT, "tests", "models", "measure.py"), name, "--out", out,
           "--metrics-dir", tmpdir, "--iters", str(a.iters), "--budget", str(a.budget)]
    cmd += ["--full"] * a.full + ["--no-inductor"] * a.no_inductor
    t = time.time()
    log = os.path.join(tmpdir, "log.txt")
    with open(log, "w") as lf:
        try:
            p = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT, timeout=a.timeout, cwd=ROOT)
            rc, timed_out = p.returncode, False
        except subprocess.TimeoutExpired:
            rc, timed_out = None, True
    res = {}
    if os.path.exists(out):
        with open(out) as f:
            res = json.load(f)
    res.setdefault("name", name)
    res["load_avg_after"] = round(os.getloadavg()[0], 2)  # the machine is shared: say how busy it was
    res["wall_s"] = round(time.time() - t, 1)
    if timed_out and res.get("phase") == "inductor" and res.get("compiled_throughput") is not None:
        # Our part finished; only the comparison run of torch.compile's default backend did not.
        res["inductor_error"] = f"Timeout: inductor gave no result within the row's {a.timeout:.0f} s"
        res["phase"] = "done"
        res["status"] = measure.status_of(res)
    elif timed_out:
        res.update(status="❌", error_class="Timeout", error=f"no result after {a.timeout:.0f} s "
                   f"(in phase {res.get('phase', '?')})")
    elif res.get("phase") != "done":
        tail = open(log).read()[-1500:]
        res.update(status="❌", error_class=res.get("error_class") or f"Crash(rc={rc})",
                   error=res.get("error") or tail.strip().splitlines()[-1:] and tail.strip().splitlines()[-1][:300])
        res["log_tail"] = tail
    return res


def geomean(xs):
    xs = [x for x in xs if x and x > 0 and math.isfinite(x)]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else None


def summary(results: list[dict]) -> str:
    counts = {s: sum(r.get("status") == s for r in results) for s in ("✅", "🚧", "❌")}
    vs_eager = geomean([r["compiled_throughput"] / r["eager_throughput"] for r in results
                        if r.get("compiled_throughput") and r.get("eager_throughput")])
    vs_ind = geomean([r["compiled_throughput"] / r["inductor_throughput"] for r in results
                      if r.get("compiled_throughput") and r.get("inductor_throughput")])
    ind_vs_eager = geomean([r["inductor_throughput"] / r["eager_throughput"] for r in results
                            if r.get("inductor_throughput") and r.get("eager_throughput")])
    f = lambda v: "n/a" if v is None else f"{v:.2f}x"
    lines = [f"{len(results)} models: ✅ {counts['✅']}  🚧 {counts['🚧']}  ❌ {counts['❌']}",
             f"geomean speed-up of compiled vs eager: {f(vs_eager)}, vs inductor: {f(vs_ind)} "
             f"(inductor vs eager: {f(ind_vs_eager)})"]
    errs = {}
    for r in results:
        if r.get("status") == "❌":
            errs.setdefault(r.get("error_class", "?"), []).append(r["name"])
    for k, v in sorted(errs.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  ❌ {k}: {len(v)} ({', '.join(v[:5])}{', ...' if len(v) > 5 else ''})")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", metavar="NAME", help="rows to run (exact names; see --list)")
    ap.add_argument("--match", help="run rows whose name contains this text")
    ap.add_argument("--fast", action="store_true", help="the small CI subset")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--resume", action="store_true", help="skip rows already in the results file")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per model (default 1800)")
    ap.add_argument("--full", action="store_true", help="full configs for the rows reduced by default")
    ap.add_argument("--no-inductor", action="store_true")
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--budget", type=float, default=20.0)
    ap.add_argument("--results", default=RESULTS)
    a = ap.parse_args(argv)

    names = registry.names()
    if a.list:
        for n in names:
            r = registry.get(n)
            extra = f"  [reduced by default: {r.reduced}]" if r.reduced else ""
            print(f"{n:45s} batch {r.run_batch:<3} {r.group:12s} {r.source}{extra}")
        return 0
    if a.only:
        unknown = [n for n in a.only if n not in registry.ROWS]
        if unknown:
            print("unknown rows: " + ", ".join(unknown) + " (see --list)", file=sys.stderr)
            return 2
        names = a.only
    elif a.fast:
        names = registry.small_rows()
    if a.match:
        names = [n for n in names if a.match.lower() in n.lower()]
    done = load_results(a.results) if a.resume else {}
    todo = [n for n in names if n not in done]
    os.makedirs(os.path.dirname(a.results), exist_ok=True)
    results = [done[n] for n in names if n in done]
    t0 = time.time()
    for i, name in enumerate(todo, 1):
        bar = "#" * int(20 * (i - 1) / len(todo))
        print(f"[{bar:<20}] {i}/{len(todo)} {name} ...", end="", flush=True)
        with tempfile.TemporaryDirectory(prefix="ttnn_model_") as tmp:
            res = run_one(name, a, tmp)
        with open(a.results, "a") as f:
            f.write(json.dumps(res, default=str, ensure_ascii=False) + "\n")
        results.append(res)
        speed = ""
        if res.get("compiled_throughput") and res.get("eager_throughput"):
            speed = f" {res['compiled_throughput'] / res['eager_throughput']:.2f}x eager"
        why = f" {res.get('error_class')}: {res.get('error', '')[:100]}" if res.get("status") == "❌" else ""
        pcc = f" pcc {res['pcc']:.4f}" if isinstance(res.get("pcc"), float) else ""
        print(f" {res.get('status')} {res['wall_s']:.0f}s{pcc}{speed}{why}", flush=True)
    print(f"[{'#' * 20}] done in {time.time() - t0:.0f} s; results in {os.path.relpath(a.results, ROOT)}")
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
