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
from .decompositions import decomposition_table, use_math_attention
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
    from torch._subclasses.fake_tensor import unset_fake_temporarily

    aten_gm.graph.eliminate_dead_code()
    aten_gm.recompile()
    name = f"{kind}_{next(_graph_ids)}"
    # aot_autograd calls its compilers inside its fake mode; the graph's constants (tensors the
    # model made in forward, lifted by dynamo) are real and are converted here, so leave it.
    with unset_fake_temporarily():
        return _finish(CompiledGraph(aten_gm, option, name), option, aten_gm)


def _trace_inference(gm, example_inputs, option):
    frozen = _frozen_positions(gm, example_inputs) if option.load_params_once else set()
    # Python numbers (a symbolic graph called with concrete sizes, see _PerShape) are baked in.
    frozen |= {i for i, x in enumerate(example_inputs) if not isinstance(x, torch.Tensor)}
    user_positions = [i for i in range(len(example_inputs)) if i not in frozen]
    fixed = list(example_inputs)
    user_inputs = [example_inputs[i] for i in user_positions]
    split = _BatchSplit.plan(user_inputs, option) if option.data_parallel > 1 else None
    if split is not None:
        user_inputs = split.per_device(user_inputs)
        # A symbolic batch size arrives as a Python int (see _PerShape): the trace sees the device's.
        fixed = [split.per_device_batch if type(x) is int and x == split.batch else x for x in fixed]

    # Frozen tensors are traced as inputs too, and only then turned into constants: functionalize
    # sees through in-place ops on them or on their clones (swin's `bias.clone()[a:b].zero_()`),
    # which a closed-over tensor would leave in the graph as mutations.
    frozen_tensors = [i for i in sorted(frozen) if isinstance(example_inputs[i], torch.Tensor)]

    def with_params(*traced):
        full = list(fixed)
        for pos, t in zip(user_positions + frozen_tensors, traced):
            full[pos] = t
        return gm(*full)

    traced_inputs = [*user_inputs, *[example_inputs[i] for i in frozen_tensors]]
    with torch.no_grad():
        try:
            # Fake tensors: the trace records the graph without computing it (a real trace would run
            # the whole model once more at compile time).
            aten_gm = _trace(with_params, traced_inputs, "fake")
        except Exception as err:  # an op without a fake (meta) kernel: trace for real
            warnings.warn(f"torch_ttnn: tracing with fake tensors failed ({type(err).__name__}: {err}); "
                          "tracing with real tensors", stacklevel=2)
            aten_gm = _trace(with_params, traced_inputs, "real")
    _placeholders_to_constants(aten_gm, len(user_inputs), [example_inputs[i] for i in frozen_tensors])
    if split is not None:
        split.check_traced(aten_gm, option)
        aten_gm.meta[_BatchSplit.META] = split
    return aten_gm, user_positions


def _trace(fn, inputs, mode: str) -> torch.fx.GraphModule:
    traced = make_fx(torch.func.functionalize(fn, remove="mutations"), decomposition_table=decomposition_table(),
                     tracing_mode="real")
    if mode == "real":
        return traced(*inputs)
    # A fake mode of our own with static shapes: make_fx's "fake" mode would adopt dynamo's tracing
    # context and leave symbols in its shape environment that no guard can source.
    from torch._subclasses.fake_tensor import FakeTensorMode

    with torch._guards.tracing(None):
        fake_mode = FakeTensorMode(allow_non_fake_inputs=True)
        fakes = [fake_mode.from_tensor(t, static_shapes=True) if isinstance(t, torch.Tensor) else t for t in inputs]
        with fake_mode:
            return traced(*fakes)


def _placeholders_to_constants(aten_gm: torch.fx.GraphModule, keep: int, values) -> None:
    """The placeholders after the first `keep` become get_attr constants holding `values`."""
    placeholders = [n for n in aten_gm.graph.nodes if n.op == "placeholder"][keep:]
    assert len(placeholders) == len(values), (len(placeholders), len(values))
    first = next(n for n in aten_gm.graph.nodes if n.op != "placeholder")
    for k, (node, value) in enumerate(zip(placeholders, values)):
        name = f"_frozen_input_{k}"
        if isinstance(value, torch.nn.Parameter):
            aten_gm.register_parameter(name, value)
        else:
            aten_gm.register_buffer(name, value, persistent=False)
        with aten_gm.graph.inserting_before(first):
            const = aten_gm.graph.get_attr(name)
        const.meta.update(node.meta)
        node.replace_all_uses_with(const)
        aten_gm.graph.erase_node(node)
    aten_gm.recompile()


class _BatchSplit:
    """Data parallelism (TorchTtnnOption.data_parallel=N on a MeshDevice of N devices).

    The batch B is dim 0 of the first user input; every user input whose dim 0 is B is batch-major.
    The graph is traced at the per-device batch b = ceil(B / N) (those inputs sliced to b samples),
    and the C++ split-data-parallel pass turns the program's borders global: batch-major inputs are
    sharded over the mesh along dim 0 (device i gets samples [i*b, (i+1)*b)), constants are
    replicated once at compile time, outputs are concatenated along dim 0. When N does not divide
    B, the batch is padded to N*b by repeating the last sample (a warning says so) and the outputs
    are trimmed back to B.
    """

    META = "torch_ttnn_batch_split"

    def __init__(self, batch, n, positions):
        self.batch, self.n, self.positions = batch, n, positions  # positions: indices into user inputs
        self.per_device_batch = -(-batch // n)
        self.padded = self.per_device_batch * n

    @classmethod
    def plan(cls, user_inputs, option):
        n = option.data_parallel
        if not option.load_params_once:
            raise ValueError(
                f"torch_ttnn: data_parallel={n} needs load_params_once=True (parameters are frozen and "
                f"replicated to every device once; as inputs they could not be told apart from the batch)")
        first = user_inputs[0] if user_inputs else None
        if not isinstance(first, torch.Tensor) or first.dim() == 0:
            raise ValueError(f"torch_ttnn: data_parallel={n} splits dim 0 of the first input, but the first input "
                             f"is {type(first).__name__ if not isinstance(first, torch.Tensor) else 'a 0-d tensor'}")
        batch = first.shape[0]
        positions = [k for k, t in enumerate(user_inputs)
                     if isinstance(t, torch.Tensor) and t.dim() > 0 and t.shape[0] == batch]
        split = cls(batch, n, positions)
        for k, t in enumerate(user_inputs):
            if k not in positions and isinstance(t, torch.Tensor) and t.dim() > 0 and \
                    t.shape[0] == split.per_device_batch:
                raise ValueError(
                    f"torch_ttnn: data_parallel={n}: input {k} has shape {tuple(t.shape)}, whose dim 0 equals the "
                    f"per-device batch {split.per_device_batch} but not the batch {batch}; it would be taken for a "
                    f"batch-major input. Use a batch size whose per-device share differs from its dim 0.")
        if batch % n:
            warnings.warn(
                f"torch_ttnn: data_parallel={n} does not divide the batch {batch}: the batch is padded to "
                f"{split.padded} by repeating the last sample (device work for {split.padded - batch} extra "
                f"sample(s) per call) and the outputs are trimmed back to {batch}", stacklevel=2)
        return split

    def pad(self, user_inputs):
        out = list(user_inputs)
        if self.padded != self.batch:
            for k in self.positions:
                t = out[k]
                out[k] = torch.cat([t, t[-1:].expand(self.padded - self.batch, *t.shape[1:])])
        return out

    def per_device(self, user_inputs):
        """The inputs of device 0 (the trace's example inputs): batch-major ones cut to b samples."""
        out = self.pad(user_inputs)
        for k in self.positions:
            out[k] = out[k][: self.per_device_batch]
        return out

    def check_traced(self, aten_gm, option):
        from torch.utils._pytree import tree_leaves

        from .partition import op_name, support_map

        n = self.n
        output = next(node for node in aten_gm.graph.nodes if node.op == "output")
        for k, node in enumerate(tree_leaves(output.args[0])):
            val = node.meta.get("val") if isinstance(node, torch.fx.Node) else None
            if isinstance(val, torch.Tensor) and (val.dim() == 0 or val.shape[0] != self.per_device_batch):
                raise ValueError(
                    f"torch_ttnn: data_parallel={n}: output {k} ('{node.name}', shape {tuple(val.shape)} per device) "
                    f"is not batch-major (dim 0 is not the per-device batch {self.per_device_batch}), so the devices' "
                    f"results cannot be concatenated; return per-sample outputs and reduce outside the model")
        if option.bypass_compile:
            return
        aten_gm.graph.eliminate_dead_code()
        aten_gm.recompile()
        reasons = support_map(aten_gm, option)
        left = sorted({f"{op_name(node)}: {reason}" for node, reason in reasons.items() if reason})
        if left:
            raise ValueError(
                f"torch_ttnn: data_parallel={n} needs the whole model lowered to TT-NN (a part left in torch would "
                f"run at the per-device batch); not lowered:\n  " + "\n  ".join(left[:10]))

    def call(self, fn, user_inputs):
        from torch.utils._pytree import tree_flatten, tree_map, tree_unflatten

        padded = self.pad(user_inputs)
        if isinstance(fn, torch.fx.GraphModule):  # bypass_compile: the per-device graph, chunk by chunk
            b = self.per_device_batch
            chunks = []
            for i in range(self.n):
                args = list(padded)
                for k in self.positions:
                    args[k] = padded[k][i * b:(i + 1) * b]
                chunks.append(tree_flatten(fn(*args)))
            spec = chunks[0][1]
            leaves = [torch.cat(parts) if isinstance(parts[0], torch.Tensor) else parts[0]
                      for parts in zip(*[c[0] for c in chunks])]
            out = tree_unflatten(leaves, spec)
        else:
            out = fn(*padded)
        if self.padded == self.batch:
            return out
        return tree_map(lambda t: t[: self.batch] if isinstance(t, torch.Tensor) and t.dim() > 0 and
                        t.shape[0] == self.padded else t, out)


class _DataParallelCall:
    """fn (a CompiledGraph, or the traced graph under bypass_compile) called on the whole batch."""

    def __init__(self, fn, split):
        self.fn, self.split = fn, split

    def __call__(self, *user_inputs):
        return self.split.call(self.fn, user_inputs)

    def __getattr__(self, name):
        return getattr(self.fn, name)


def _with_batch_split(fn, aten_gm):
    split = aten_gm.meta.get(_BatchSplit.META)
    return fn if split is None else _DataParallelCall(fn, split)


def _compile_inference(gm, example_inputs, option):
    aten_gm, user_positions = _trace_inference(gm, example_inputs, option)
    if option.bypass_compile:
        fn = aten_gm
    else:
        fn = compile_aten(aten_gm, option, "inference")
    fn = _with_batch_split(fn, aten_gm)

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
    if option.data_parallel > 1:
        raise ValueError(
            f"torch_ttnn: data_parallel={option.data_parallel} applies to inference graphs; this graph needs "
            "gradients (run it under torch.no_grad(), or compile training with data_parallel=1)")
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

    use_math_attention(gm)
    return aot_autograd(fw_compiler=compiler("forward"), bw_compiler=compiler("backward"),
                        decompositions=decomposition_table())(gm, example_inputs)


functools.update_wrapper(backend, backend)
