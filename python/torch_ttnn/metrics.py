"""metrics_path: per-graph statistics written as JSON (one file, a list of graphs plus totals).

Schema: {"graphs": [CompiledGraph.metrics()...], "ops_before", "ops_after_in_torch",
"unique_ops_before", "unique_ops_remaining", "device_transfers", "aten_ops": {op: {"count",
"lowered", "reason"}}, "input_variations": {op: [signature, ...]}} — totals over every graph the
process compiled into this path (a model with graph breaks, or forward + backward, has several).
"""

from __future__ import annotations

import json
import os
import threading

_lock = threading.Lock()
_graphs = {}  # path -> list of graph metrics


def record(path: str, graph_metrics: dict):
    with _lock:
        graphs = _graphs.setdefault(os.path.abspath(path), [])
        graphs.append(graph_metrics)
        summary = summarize(graphs)
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
        os.replace(tmp, path)


def summarize(graphs):
    aten_ops, variations = {}, {}
    before_ops, remaining_ops = set(), set()
    for g in graphs:
        for op, e in g["aten_ops"].items():
            total = aten_ops.setdefault(op, {"count": 0, "lowered": True, "reason": ""})
            total["count"] += e["count"]
            if not e["lowered"]:
                total["lowered"] = False
                total["reason"] = e["reason"]
            before_ops.add(op)
            if not e["lowered"]:
                remaining_ops.add(op)
        for op, sigs in g["input_variations"].items():
            merged = variations.setdefault(op, [])
            merged.extend(s for s in sigs if s not in merged)
    return {
        "graphs": graphs,
        "ops_before": sum(g["ops_before"] for g in graphs),
        "ops_after_in_torch": sum(g["ops_after_in_torch"] for g in graphs),
        "unique_ops_before": len(before_ops),
        "unique_ops_remaining": len(remaining_ops),
        "device_transfers": sum(g["device_transfers"] for g in graphs),
        "aten_ops": aten_ops,
        "input_variations": variations,
    }


def reset(path: str | None = None):
    """Forgets what was recorded (for one path, or all)."""
    with _lock:
        if path is None:
            _graphs.clear()
        else:
            _graphs.pop(os.path.abspath(path), None)
