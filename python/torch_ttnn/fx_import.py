"""FX (ATen-level) graph -> the C++ graph IR (ttnn._C.graph.Graph).

Each call_function node on an ATen OpOverload becomes one IR node named by its overload
("aten::add.Tensor") with every schema argument in order, defaults filled in, so C++ rules never
see Python's keyword-argument variety. Tensors become value references; torch dtypes their IR
names; devices, layouts and memory formats their string form.
"""

from __future__ import annotations

import operator

import torch
import torch.fx

import ttnn

_G = ttnn._C.graph

ELEM = {
    torch.float32: "f32", torch.float64: "f64", torch.float16: "f16", torch.bfloat16: "bf16",
    torch.int64: "i64", torch.int32: "i32", torch.int16: "i16", torch.int8: "i8", torch.uint8: "u8",
    torch.bool: "b8", torch.uint16: "u16", torch.uint32: "u32",
}
TORCH_OF_ELEM = {v: k for k, v in ELEM.items()}

# How a torch tensor crosses into ttnn on the host: the storable dtype it is widened to first.
_HOST_TORCH = {
    torch.float32: torch.float32, torch.float64: torch.float32, torch.float16: torch.float32,
    torch.bfloat16: torch.float32, torch.int64: torch.int32, torch.int32: torch.int32, torch.int16: torch.int32,
    torch.int8: torch.int32, torch.uint8: torch.uint8, torch.bool: torch.uint8,
}


class UnsupportedNode(Exception):
    """A node the importer cannot express (non-ATen target, unknown argument kind)."""


def overload_name(target) -> str:
    schema = target._schema
    return f"{schema.name}.{schema.overload_name or 'default'}"


def node_values(node: torch.fx.Node):
    """The example tensors of a node's outputs (list), or None when it has no tensor metadata."""
    val = node.meta.get("val", node.meta.get("example_value"))
    if val is None:
        return None
    if isinstance(val, torch.Tensor):
        return [val]
    if isinstance(val, (list, tuple)):
        return list(val)
    return [val]


def _type_of(t):
    if not isinstance(t, torch.Tensor):
        raise UnsupportedNode(f"output is {type(t).__name__}, not a tensor")
    if t.dtype not in ELEM:
        raise UnsupportedNode(f"dtype {t.dtype} has no IR element type")
    shape = []
    for d in t.shape:
        if not isinstance(d, int):
            raise UnsupportedNode(f"symbolic shape {tuple(t.shape)}")
        shape.append(int(d))
    return shape, ELEM[t.dtype]


# A None among a node's outputs (convolution_backward's gradients that output_mask turns off) is
# imported as an unread empty value, so output positions keep their meaning; the rule knows from
# its arguments which outputs are None and leaves them unbound.
_NONE_OUTPUT = ([0], "f32")


def host_tensor(t: torch.Tensor):
    """A ttnn host tensor of a torch tensor, in the storable dtype (borrowed when already so)."""
    t = t.detach()
    if t.dtype not in _HOST_TORCH:
        raise UnsupportedNode(f"dtype {t.dtype} cannot cross into ttnn")
    want = _HOST_TORCH[t.dtype]
    if t.dtype != want:
        t = t.to(want)
    if not t.is_contiguous():
        t = t.contiguous()
    return ttnn.from_torch(t)


class Importer:
    """Builds a C++ graph from an FX graph. `values` maps FX nodes to IR value ids (or lists of
    ids for multi-output nodes)."""

    def __init__(self, gm: torch.fx.GraphModule):
        self.gm = gm
        self.graph = _G.Graph()
        self.values = {}
        self.node_of_index = []   # IR node index -> FX node
        self.errors = {}          # FX node -> why it could not be imported
        self._late_inputs = []    # (node, tensor): inputs that follow the placeholders
        self.none_outputs = []    # positions of the graph's outputs that are None

    def _arg(self, a):
        if isinstance(a, torch.fx.Node):
            v = self.values.get(a)
            if v is None:
                raise UnsupportedNode(f"reads {a.name}, which has no IR value")
            if isinstance(v, list):
                raise UnsupportedNode(f"reads the multi-output node {a.name} directly")
            return _G.Ref(v)
        if isinstance(a, (list, tuple)):
            return [self._arg(x) for x in a]
        if isinstance(a, torch.dtype):
            if a not in ELEM:
                raise UnsupportedNode(f"dtype {a}")
            return ELEM[a]
        if isinstance(a, (torch.device, torch.layout, torch.memory_format)):
            return str(a)
        if isinstance(a, (bool, int, float, str)) or a is None:
            return a
        if isinstance(a, torch.SymInt):
            raise UnsupportedNode("symbolic int argument")
        raise UnsupportedNode(f"argument of type {type(a).__name__}")

    def _normalized_args(self, node):
        schema = node.target._schema
        out = []
        args, kwargs = node.args, node.kwargs
        for i, arg in enumerate(schema.arguments):
            if i < len(args):
                value = args[i]
            elif arg.name in kwargs:
                value = kwargs[arg.name]
            elif arg.has_default_value():
                value = arg.default_value
            else:
                value = None
            out.append(self._arg(value))
        return out

    def add_placeholder(self, node, name=None):
        vals = node_values(node)
        if not vals or not isinstance(vals[0], torch.Tensor):
            raise UnsupportedNode(f"input {node.name} is not a tensor")
        shape, elem = _type_of(vals[0])
        self.values[node] = self.graph.add_input(shape, elem, name or node.name)

    def add_live_input(self, node, tensor):
        """A parameter read on every call: a graph input, placed after the placeholders."""
        self._late_inputs.append((node, tensor))

    def add_constant(self, node, tensor):
        shape, elem = _type_of(tensor)
        self.values[node] = self.graph.add_constant(host_tensor(tensor), shape, elem, node.name)

    def add_call(self, node):
        if node.target is operator.getitem:
            src = self.values.get(node.args[0])
            if not isinstance(src, list):
                raise UnsupportedNode(f"getitem on {node.args[0]}")
            self.values[node] = src[node.args[1]]
            return
        if not isinstance(node.target, torch._ops.OpOverload):
            raise UnsupportedNode(f"target {node.target} is not an ATen overload")
        if len(node.target._schema.returns) == 0:  # asserts and other checks: no outputs
            self.graph.add_node(overload_name(node.target), self._normalized_args(node), {}, [], node.name)
            self.node_of_index.append(node)
            self.values[node] = []
            return
        vals = node_values(node)
        if vals is None:
            raise UnsupportedNode(f"{node.name} has no shape metadata")
        args = self._normalized_args(node)
        outputs = [_NONE_OUTPUT if v is None else _type_of(v) for v in vals]
        ids = self.graph.add_node(overload_name(node.target), args, {}, outputs, node.name)
        self.node_of_index.append(node)
        returns = node.target._schema.returns
        returns_list = len(returns) != 1 or isinstance(returns[0].type, torch.ListType)
        self.values[node] = list(ids) if returns_list else ids[0]

    def run(self, strict=True):
        """Imports every node. strict: raise on the first node that cannot be imported; else
        record it in self.errors and go on (for support queries over a whole graph)."""
        late = {node for node, _ in self._late_inputs}
        placeholders = [n for n in self.gm.graph.nodes if n.op == "placeholder" and n not in late]
        for node in placeholders:
            if node not in self.values:
                try:
                    self.add_placeholder(node)
                except UnsupportedNode as e:
                    if strict:
                        raise
                    self.errors[node] = str(e)
        for node, tensor in self._late_inputs:
            shape, elem = _type_of(tensor)
            self.values[node] = self.graph.add_input(shape, elem, node.name)
        for node in self.gm.graph.nodes:
            if node in self.values:  # imported beforehand (inputs, constants of an island)
                continue
            try:
                if node.op == "placeholder":
                    self.add_placeholder(node)
                elif node.op == "get_attr":
                    self.add_constant(node, _fetch_attr(self.gm, node.target))
                elif node.op == "call_function":
                    self.add_call(node)
                elif node.op == "output":
                    outs = node.args[0]
                    outs = outs if isinstance(outs, (list, tuple)) else [outs]
                    ids = []
                    # None outputs (the gradient of an input that needs none) are no program
                    # outputs; the caller puts them back (CompiledIsland).
                    self.none_outputs = [k for k, o in enumerate(outs) if o is None]
                    for o in outs:
                        if o is None:
                            continue
                        if not isinstance(o, torch.fx.Node) or not isinstance(self.values.get(o), int):
                            raise UnsupportedNode(f"graph output {o!r} is not a single tensor")
                        ids.append(self.values[o])
                    self.graph.set_outputs(ids)
                else:
                    raise UnsupportedNode(f"node kind {node.op}")
            except UnsupportedNode as e:
                if strict:
                    raise
                self.errors[node] = str(e)
                self._stand_in(node)
        return self.graph


    def _stand_in(self, node):
        """Gives an unimportable node's outputs input values, so that the nodes reading them can
        still be asked about (they will read them from torch across an island border)."""
        vals = node_values(node) or []
        try:
            ids = [self.graph.add_input(*_type_of(v), node.name) for v in vals]
        except UnsupportedNode:
            return
        if len(ids) == 1 and isinstance(node.meta.get("val"), torch.Tensor):
            self.values[node] = ids[0]
        elif ids:
            self.values[node] = ids


def _fetch_attr(gm, target: str):
    obj = gm
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj
