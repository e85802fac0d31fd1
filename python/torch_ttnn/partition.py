"""Partitioning: which ATen nodes run as TT-NN programs, and which stay in torch on the CPU.

C++ answers per node (the rule table's support predicates, ttnn._C.graph.support_reasons); the
supported nodes are grouped into islands by torch's CapabilityBasedPartitioner, each island is
compiled into one C++ Program, and the rest of the graph runs in torch. Every island border is
a host<->device transfer, counted in the metrics.
"""

from __future__ import annotations

import functools
import operator

import torch
from torch.fx.passes.infra.partitioner import CapabilityBasedPartitioner
from torch.fx.passes.operator_support import OperatorSupportBase

import ttnn

from .fx_import import Importer
from .program import CompiledIsland

_G = ttnn._C.graph


def support_map(gm: torch.fx.GraphModule, option):
    """FX node -> '' if C++ lowers it, else the reason. Covers every call_function node."""
    importer = Importer(gm)
    graph = importer.run(strict=False)
    reasons = _G.support_reasons(graph, option.lower_options())
    out = {}
    for node, reason in zip(importer.node_of_index, reasons):
        out[node] = reason
    for node, error in importer.errors.items():
        if node.op == "call_function":
            out[node] = error
    for node in gm.graph.nodes:
        if node.op == "call_function" and node.target is operator.getitem:
            out[node] = out.get(node.args[0], "reads an unsupported node")
    return out


def op_name(node) -> str:
    target = node.target
    return str(target) if isinstance(target, torch._ops.OpOverload) else str(getattr(target, "__name__", target))


class _Support(OperatorSupportBase):
    def __init__(self, reasons):
        self.reasons = reasons

    def is_node_supported(self, submodules, node):
        return node.op == "call_function" and self.reasons.get(node, "unknown") == ""


class _IslandModule(torch.nn.Module):
    """Stands in for a fused submodule: calls the compiled island."""

    def __init__(self, island: CompiledIsland, single_output: bool):
        super().__init__()
        self.island = island
        self.single_output = single_output

    def forward(self, *inputs):
        outs = self.island(*inputs)
        return outs[0] if self.single_output else tuple(outs)


class CompiledGraph:
    """The result of compiling one ATen graph: a callable plus what the metrics report."""

    def __init__(self, gm: torch.fx.GraphModule, option, name: str):
        self.name = name
        self.reasons = support_map(gm, option)
        compute = [n for n in gm.graph.nodes if n.op == "call_function" and n.target is not operator.getitem]
        self.ops_before = [op_name(n) for n in compute]
        self.ops_remaining = [op_name(n) for n in compute if self.reasons.get(n, "unknown") != ""]
        self.islands = []
        self.input_variations = _input_variations(compute)
        self.aten_ops = {}
        for n in compute:
            entry = self.aten_ops.setdefault(op_name(n), {"count": 0, "lowered": True, "reason": ""})
            entry["count"] += 1
            if self.reasons.get(n, "unknown") != "":
                entry["lowered"] = False
                entry["reason"] = self.reasons.get(n, "unknown")
        if not compute:
            self.fn = gm
            self.kind = "torch"
        elif not self.ops_remaining:
            island = CompiledIsland(gm, option, name=name)
            self.islands.append(island)
            self.fn = lambda *args: tuple(island(*args))
            self.kind = "ttnn"
        else:
            self.fn = self._partitioned(gm, option)
            self.kind = "mixed"

    def _partitioned(self, gm, option):
        partitioner = CapabilityBasedPartitioner(gm, _Support(self.reasons), allows_single_node_partition=True)
        fused = partitioner.fuse_partitions(partitioner.propose_partitions())
        for node in list(fused.graph.nodes):
            if node.op != "call_module" or not node.target.startswith("fused_"):
                continue
            sub = getattr(fused, node.target)
            placeholders = [p for p in sub.graph.nodes if p.op == "placeholder"]
            constants, kept = {}, []
            for p, arg in zip(placeholders, node.args):
                if isinstance(arg, torch.fx.Node) and arg.op == "get_attr":
                    constants[p.name] = functools.partial(_fetch, fused, arg.target)
                else:
                    kept.append(arg)
            island = CompiledIsland(sub, option, constants, name=f"{self.name}.{node.target}")
            self.islands.append(island)
            out = next(n for n in sub.graph.nodes if n.op == "output")
            single = not isinstance(out.args[0], (list, tuple))
            setattr(fused, node.target, _IslandModule(island, single))
            node.args = tuple(kept)
        fused.graph.eliminate_dead_code()
        fused.recompile()
        return fused

    def __call__(self, *args):
        return self.fn(*args)

    def metrics(self):
        return {
            "name": self.name,
            "kind": self.kind,
            "ops_before": len(self.ops_before),
            "ops_after_in_torch": len(self.ops_remaining),
            "unique_ops_before": len(set(self.ops_before)),
            "unique_ops_remaining": len(set(self.ops_remaining)),
            "islands": len(self.islands),
            "device_transfers": sum(i.transfers_per_call for i in self.islands),
            "aten_ops": self.aten_ops,
            "input_variations": self.input_variations,
        }


def _fetch(gm, target):
    obj = gm
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj


def _describe(a):
    if isinstance(a, torch.fx.Node):
        val = a.meta.get("val")
        if isinstance(val, torch.Tensor):
            return f"Tensor<{list(val.shape)}, {str(val.dtype).removeprefix('torch.')}>"
        return a.name
    if isinstance(a, (list, tuple)):
        return "[" + ", ".join(_describe(x) for x in a) + "]"
    return repr(a)


def _input_variations(nodes):
    out = {}
    for n in nodes:
        sig = ", ".join([_describe(a) for a in n.args] + [f"{k}={_describe(v)}" for k, v in n.kwargs.items()])
        variations = out.setdefault(op_name(n), [])
        if sig not in variations:
            variations.append(sig)
    return out
