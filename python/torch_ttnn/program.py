"""A compiled island: an ATen FX graph run as one C++ Program on the TT-NN device.

Inputs cross into ttnn on the host (float32 tensors are borrowed, not copied); the program moves
them to the device, runs every op in C++ without returning to Python, and hands back host tensors
that become torch tensors of the ATen output dtypes.
"""

from __future__ import annotations

import functools

import torch

import ttnn

from .fx_import import Importer, _fetch_attr, host_tensor, node_values

_G = ttnn._C.graph


class CompiledIsland:
    """Callable taking the island's non-constant inputs (torch tensors) in placeholder order."""

    def __init__(self, gm: torch.fx.GraphModule, option, constants=None, name="graph"):
        """constants: placeholder name -> zero-argument callable returning the tensor it stands for
        (parameters of an island cut from a larger graph); get_attr nodes are constants too.
        load_params_once: constants are converted and placed on the device once, here; otherwise
        they are program inputs, fetched and converted again on every call (live parameters)."""
        self.name = name
        self.option = option
        importer = Importer(gm)
        sources = dict(constants or {})
        for node in gm.graph.nodes:
            if node.op == "get_attr":
                sources[node.name] = functools.partial(_fetch_attr, gm, node.target)
        self.live = []  # zero-argument callables, appended to the inputs on every call
        for node in gm.graph.nodes:
            if node.name not in sources or node.op not in ("placeholder", "get_attr"):
                continue
            if option.load_params_once:
                importer.add_constant(node, sources[node.name]())
            else:
                importer.add_live_input(node, sources[node.name]())
                self.live.append(sources[node.name])
        self.aten = importer.run(strict=True)
        self.input_nodes = [n for n in gm.graph.nodes if n.op == "placeholder" and n.name not in sources]
        self.output_dtypes = _output_dtypes(gm)
        self.none_outputs = importer.none_outputs
        device = option.resolved_device()
        self.program, self.trace = _G.compile(
            self.aten, option.lower_options(), device, data_parallel=option.data_parallel,
            keep_text=option.verbose or bool(option.export_code), keep_dot=option.gen_graphviz, fuse=option.fuse)
        self.calls = 0

    def __call__(self, *inputs):
        host = [host_tensor(t) for t in inputs] + [host_tensor(fetch()) for fetch in self.live]
        outs = self.program.run(host)
        self.calls += 1
        results = []
        for t, dtype in zip(outs, self.output_dtypes):
            r = ttnn.to_torch(t)
            if r.dtype != dtype:
                r = r.to(dtype)
            results.append(r)
        for k in self.none_outputs:
            results.insert(k, None)
        return results

    @property
    def transfers_per_call(self):
        """Host<->device crossings per call: each non-constant input and each output."""
        return len(self.input_nodes) + len(self.live) + len(self.output_dtypes)


def _output_dtypes(gm):
    out = next(n for n in gm.graph.nodes if n.op == "output")
    outs = out.args[0]
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return [node_values(o)[0].dtype for o in outs if o is not None]


