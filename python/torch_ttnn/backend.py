"""torch_ttnn.backend: the torch.compile backend (also registered as backend="ttnn").

Inference graphs (no gradient needed) are traced to ATen with parameters frozen into constants
(load_params_once), so the C++ program converts and places them once at compile time. Training
graphs go through aot_autograd: forward and backward graphs are compiled the same way, reading the
live parameters as inputs. Both end in CompiledGraph: C++ decides what it supports, islands become
C++ Programs, the rest runs in torch.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import warnings

import torch
from torch.fx.experimental.proxy_tensor import make_fx

from . import metrics
from .decompositions import decomposition_table
from .export_code import write_script
from .options import TorchTtnnOption
from .partition import CompiledGraph

_graph_ids = itertools.count()


def _as_option(options) -> TorchTtnnOption:
    if options is None:
        return TorchTtnnOption()
    if isinstance(options, TorchTtnnOption):
        return options
    if isinstance(options, dict):
        known = {f.name for f in dataclasses.fields(TorchTtnnOption)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"torch_ttnn.backend: unknown option(s) {unknown}; TorchTtnnOption has {sorted(known)}")
        return TorchTtnnOption(**options)
    raise ValueError(f"torch_ttnn.backend: options={options!r}, expected a TorchTtnnOption or a dict of its fields")


def _is_symbolic(x) -> bool:
    if isinstance(x, torch.SymInt):
        return True
    return isinstance(x, torch.Tensor) and any(isinstance(d, torch.SymInt) for d in x.shape)


def _frozen_positions(gm: torch.fx.GraphModule, example_inputs) -> set:
    """Positions of the inputs that are module parameters or buffers (dynamo lifts them as inputs)."""
    placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
    frozen = set()
    for i, (node, value) in enumerate(zip(placeholders, example_inputs)):
        name = node.name.lower()
        if isinstance(value, torch.nn.Parameter) or "_parameters_" in name or "_buffers_" in name:
            frozen.add(i)
    return frozen


def _finish(compiled: CompiledGraph, option: TorchTtnnOption, aten_gm):
    if option.verbose:
        for island in compiled.islands:
            for pass_name, text in island.trace.get("text", []):
                print(f"# torch_ttnn {island.name}: after {pass_name}\n{text}")
    if option.gen_graphviz:
        os.makedirs(option.graphviz_dir, exist_ok=True)
        for island in compiled.islands:
            for k, (pass_name, dot) in enumerate(island.trace.get("dot", [])):
                path = os.path.join(option.graphviz_dir, f"{island.name}.{k:02d}.{pass_name}.dot")
                with open(path, "w") as f:
                    f.write(dot)
    if option.export_code:
        write_script(compiled, option)
    if option.metrics_path:
        metrics.record(option.metrics_path, compiled.metrics())
    return compiled


def compile_aten(aten_gm: torch.fx.GraphModule, option: TorchTtnnOption, kind: str) -> CompiledGraph:
    aten_gm.graph.eliminate_dead_code()
    aten_gm.recompile()
    name = f"{kind}_{next(_graph_ids)}"
    return _finish(CompiledGraph(aten_gm, option, name), option, aten_gm)


def _trace_inference(gm, example_inputs, option):
    frozen = _frozen_positions(gm, example_inputs) if option.load_params_once else set()
    # Python numbers (a symbolic graph called with concrete sizes, see _PerShape) are baked in.
    frozen |= {i for i, x in enumerate(example_inputs) if not isinstance(x, torch.Tensor)}
    user_positions = [i for i in range(len(example_inputs)) if i not in frozen]
    fixed = list(example_inputs)

    def with_params(*user):
        full = list(fixed)
        for pos, t in zip(user_positions, user):
            full[pos] = t
        return gm(*full)

    with torch.no_grad():
        aten_gm = make_fx(
            torch.func.functionalize(with_params, remove="mutations"),
            decomposition_table=decomposition_table(), tracing_mode="real",
        )(*[example_inputs[i] for i in user_positions])
    return aten_gm, user_positions


def _compile_inference(gm, example_inputs, option):
    aten_gm, user_positions = _trace_inference(gm, example_inputs, option)
    if option.bypass_compile:
        fn = aten_gm
    else:
        fn = compile_aten(aten_gm, option, "inference")

    def run(*args):
        return fn(*[args[i] for i in user_positions])

    run.compiled = fn
    return run


class _PerShape:
    """Dynamo handed over a graph with symbolic shapes: compile one program per concrete shape
    signature at call time (our programs are static), so shape changes recompile."""

    def __init__(self, gm, option):
        self.gm, self.option, self.cache = gm, option, {}

    def __call__(self, *args):
        key = tuple((tuple(a.shape), a.dtype) if isinstance(a, torch.Tensor) else a for a in args)
        fn = self.cache.get(key)
        if fn is None:
            fn = self.cache[key] = _compile_inference(self.gm, list(args), self.option)
        return fn(*args)


def _needs_grad(example_inputs) -> bool:
    return torch.is_grad_enabled() and any(isinstance(t, torch.Tensor) and t.requires_grad for t in example_inputs)


def backend(gm: torch.fx.GraphModule, example_inputs, options=None):
    """The dynamo backend: torch.compile(model, backend=torch_ttnn.backend, options=TorchTtnnOption(...))."""
    option = _as_option(options)
    if _needs_grad(example_inputs):
        return _training_backend(gm, example_inputs, option)
    if any(_is_symbolic(x) for x in example_inputs):
        return _PerShape(gm, option)
    return _compile_inference(gm, example_inputs, option)


def _training_backend(gm, example_inputs, option):
    from torch._dynamo.backends.common import aot_autograd
    from torch._functorch.aot_autograd import make_boxed_func

    def compiler(kind):
        def compile_fn(aten_gm, inputs):
            if option.bypass_compile:
                return make_boxed_func(aten_gm)
            if any(_is_symbolic(x) for x in inputs):
                warnings.warn("torch_ttnn: symbolic shapes in a training graph; it runs in torch", stacklevel=2)
                return make_boxed_func(aten_gm)
            compiled = compile_aten(aten_gm, option, kind)
            return make_boxed_func(compiled)

        return compile_fn

    return aot_autograd(fw_compiler=compiler("forward"), bw_compiler=compiler("backward"),
                        decompositions=decomposition_table())(gm, example_inputs)


functools.update_wrapper(backend, backend)
