"""Eager mode: a torch device ("ttnn:<id>") whose ATen ops run as one-node TT-NN Programs.

    device = ttnn.open_device(device_id=0)
    tt = torch_ttnn.ttnn_device_as_torch_device(device)     # torch.device("ttnn:0")
    model.to(tt)                                            # parameters and buffers move
    with torch.no_grad():
        out = model(x.to(tt)).cpu()
    print(torch_ttnn.eager_stats())                         # ops on TT-NN vs left to torch

PyTorch's PrivateUse1 backend is renamed "ttnn" and set up as a Python backend (device module,
hooks and device guard). A tensor on it is a wrapper subclass (TtnnTensor) whose value is held in
a host torch tensor (`_data`): this device is itself implemented on the host, and a Program takes
and returns host tensors, placing them on the device inside C++.

Each ATen call reaching __torch_dispatch__ is a one-node FX graph of that overload with the
concrete input shapes and dtypes, asked of the C++ rule table exactly as the partitioner asks
(support_reasons) and compiled into a Program (CompiledIsland), cached by (overload, input
signatures, non-tensor arguments) so a repeated call compiles nothing. When the rules do not take
the overload, its entry in torch_ttnn's decomposition table (if any) is run, its pieces coming back
through here; otherwise the op runs in torch on the CPU (a fallback, counted, warned once per
overload). Views and in-place updates keep torch's aliasing: view ops are metadata on the host
tensor; an in-place op runs its functional overload and writes the result into its target.

Keyword arguments of ttnn_device_as_torch_device are TorchTtnnOption fields (numerics="fast",
math_fidelity=...). Mixing a ttnn tensor with a CPU tensor in one op is torch's mixed-device error,
except 0-dim CPU tensors, which torch allows too. Gradients flow through the same path (backward
ops are ATen ops like any other), but only inference is tested.
"""

from __future__ import annotations

import dataclasses
import operator
import warnings
from collections import Counter

import torch
import torch.fx

import ttnn

from .decompositions import decomposition_table
from .fx_import import Importer, overload_name
from .options import TorchTtnnOption
from .program import CompiledIsland

aten = torch.ops.aten
_G = ttnn._C.graph
BACKEND = "ttnn"

_DEVICES = {}          # torch device index -> _DeviceEntry
_SETUP_DONE = False
_WARNED = set()        # overloads already warned about
_RULES = None          # the rule table's overload names
_DECOMP = None


# ----------------------------------------------------------------------------------------------
# Statistics


@dataclasses.dataclass
class EagerStats:
    """What eager mode did since the last reset_eager_stats().

    ttnn_ops: ATen calls run as TT-NN Programs. fallback_ops: calls run in torch on the CPU.
    host_ops: views, allocations and other metadata handled on the host tensor (no compute).
    transfers: host<->device copies. compiles: Programs compiled; cache_hits: calls that reused one.
    by_op: overload -> Counter of the above kinds; fallback_reasons: overload -> why."""

    ttnn_ops: int = 0
    fallback_ops: int = 0
    host_ops: int = 0
    transfers: int = 0
    compiles: int = 0
    cache_hits: int = 0
    decomposed: int = 0
    by_op: dict = dataclasses.field(default_factory=dict)
    fallback_reasons: dict = dataclasses.field(default_factory=dict)

    def count(self, kind: str, op: str, n: int = 1):
        setattr(self, kind, getattr(self, kind) + n)
        self.by_op.setdefault(op, Counter())[kind] += n

    def __str__(self):
        lines = [f"torch_ttnn eager: {self.ttnn_ops} ops on TT-NN, {self.fallback_ops} fallback to torch, "
                 f"{self.host_ops} host (views/allocations), {self.transfers} transfers, {self.compiles} "
                 f"programs compiled, {self.cache_hits} cache hits, {self.decomposed} decomposed"]
        for op, reason in sorted(self.fallback_reasons.items()):
            lines.append(f"  fallback {op} x{self.by_op[op]['fallback_ops']}: {reason}")
        return "\n".join(lines)


_STATS = EagerStats()


def eager_stats() -> EagerStats:
    """A snapshot of the eager-mode counters (print it for a summary)."""
    snap = dataclasses.replace(_STATS)
    snap.by_op = {k: Counter(v) for k, v in _STATS.by_op.items()}
    snap.fallback_reasons = dict(_STATS.fallback_reasons)
    return snap


def reset_eager_stats() -> None:
    global _STATS
    _STATS = EagerStats()


# ----------------------------------------------------------------------------------------------
# Device registration


@dataclasses.dataclass
class _DeviceEntry:
    device: object          # the ttnn.Device
    option: TorchTtnnOption
    fields: dict            # the option fields it was bound with
    cache: dict = dataclasses.field(default_factory=dict)


class _BackendModule:
    """torch.ttnn: what torch asks of a device module (nn.Module.to, autograd, RNG seeding)."""

    @staticmethod
    def is_available() -> bool:
        return True

    @staticmethod
    def is_initialized() -> bool:
        return True

    @staticmethod
    def device_count() -> int:
        return max(max(_DEVICES, default=0) + 1, int(ttnn.get_num_devices()))

    @staticmethod
    def current_device() -> int:
        return min(_DEVICES, default=0)

    @staticmethod
    def _is_in_bad_fork() -> bool:
        return False

    @staticmethod
    def manual_seed_all(seed: int) -> None:
        pass


def _setup():
    global _SETUP_DONE
    if _SETUP_DONE:
        return
    current = torch._C._get_privateuse1_backend_name()
    if current not in ("privateuseone", BACKEND):
        raise RuntimeError(f"torch_ttnn eager: torch's PrivateUse1 backend is already taken by '{current}'")
    from torch.utils.backend_registration import _setup_privateuseone_for_python_backend

    if current == "privateuseone":
        _setup_privateuseone_for_python_backend(rename=BACKEND, backend_module=_BackendModule())
    _LIB.impl("empty.memory_format", _empty, "PrivateUse1")
    _LIB.impl("empty_strided", _empty_strided, "PrivateUse1")
    for name in ("arange", "arange.start", "arange.start_step", "scalar_tensor"):
        _LIB.impl(name, _host_factory(name), "PrivateUse1")
    _SETUP_DONE = True


_LIB = torch.library.Library("aten", "IMPL")


def ttnn_device_as_torch_device(device, **option_fields) -> torch.device:
    """The torch.device ("ttnn:<id>") of an open ttnn.Device; `.to()` modules and tensors onto it.
    option_fields are TorchTtnnOption fields applied to every op run on it (e.g. numerics="fast");
    calling again for the same device with other fields (none: the defaults) replaces them and
    drops its compiled programs."""
    if isinstance(device, ttnn.MeshDevice):
        raise ValueError(
            f"torch_ttnn.ttnn_device_as_torch_device: {device!r} is a MeshDevice; eager mode runs on one "
            "ttnn.Device (pass one of mesh.get_devices(), or compile the model with "
            "torch.compile(model, backend='ttnn', options=TorchTtnnOption(device=mesh, data_parallel=N)))")
    if not isinstance(device, ttnn.Device):
        raise ValueError(f"torch_ttnn.ttnn_device_as_torch_device: {device!r} is not a ttnn.Device")
    if "device" in option_fields:
        raise ValueError("torch_ttnn.ttnn_device_as_torch_device: pass the device as the first "
                         "argument, not as an option field")
    _setup()
    index = int(device.id())
    old = _DEVICES.get(index)
    if old is None or old.device is not device or old.fields != option_fields:
        option = TorchTtnnOption(device=device, **option_fields)
        _DEVICES[index] = _DeviceEntry(device, option, dict(option_fields))
    return torch.device(BACKEND, index)


def _entry(index) -> _DeviceEntry:
    entry = _DEVICES.get(index or 0)
    if entry is None:
        raise RuntimeError(
            f"torch_ttnn eager: device {BACKEND}:{index or 0} is not bound to a ttnn device; call "
            f"torch_ttnn.ttnn_device_as_torch_device(ttnn.open_device(device_id={index or 0})) first")
    return entry


def _torch_device(device) -> torch.device:
    device = torch.device(device)
    if device.index is None:
        device = torch.device(device.type, _BackendModule.current_device())
    return device


# ----------------------------------------------------------------------------------------------
# The tensor


class TtnnTensor(torch.Tensor):
    """A tensor on a ttnn device: a wrapper whose value is the host tensor `_data`."""

    __torch_function__ = torch._C._disabled_torch_function_impl

    @staticmethod
    def __new__(cls, data: torch.Tensor, device: torch.device):
        r = torch.Tensor._make_wrapper_subclass(
            cls, data.shape, strides=data.stride(), storage_offset=data.storage_offset(), dtype=data.dtype,
            device=device, requires_grad=False)
        r._data = data
        return r

    def __init__(self, data, device):
        pass

    def __repr__(self, *, tensor_contents=None):
        text = repr(self._data)
        return text[:-1] + f", device='{self.device}')"

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        return _dispatch(func, args, kwargs or {})


def _wrap(x, device):
    if isinstance(x, torch.Tensor) and not isinstance(x, TtnnTensor):
        return TtnnTensor(x, device)
    if isinstance(x, (list, tuple)):
        return type(x)(_wrap(v, device) for v in x)
    return x


def _unwrap(x):
    if isinstance(x, TtnnTensor):
        return x._data
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _tensor_leaves(x, out):
    if isinstance(x, torch.Tensor):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _tensor_leaves(v, out)
    elif isinstance(x, dict):
        for v in x.values():
            _tensor_leaves(v, out)
    return out


def _empty(size, dtype=None, layout=None, device=None, pin_memory=None, memory_format=None):
    _STATS.count("host_ops", "aten::empty.memory_format")
    data = torch.empty(size, dtype=dtype, memory_format=memory_format or torch.contiguous_format)
    return TtnnTensor(data, _torch_device(device))


def _empty_strided(size, stride, dtype=None, layout=None, device=None, pin_memory=None):
    _STATS.count("host_ops", "aten::empty_strided")
    return TtnnTensor(torch.empty_strided(size, stride, dtype=dtype), _torch_device(device))


def _host_factory(name):
    packet, _, overload = name.partition(".")
    op = getattr(getattr(aten, packet), overload or "default")

    def factory(*args, **kwargs):
        device = _torch_device(kwargs.pop("device"))
        _note_fallback(op, "creation op, computed on the host")
        return TtnnTensor(op(*args, **kwargs, device="cpu"), device)

    return factory


# ----------------------------------------------------------------------------------------------
# Dispatch


def _device_of(tensors):
    """The ttnn device of an op's tensors; torch's mixed-device error otherwise (0-dim CPU
    tensors are allowed beside device tensors, as torch allows them beside CUDA tensors)."""
    device = None
    other = None
    for t in tensors:
        if isinstance(t, TtnnTensor):
            if device is None:
                device = t.device
            elif t.device != device:
                other = t.device
        elif t.device.type != "cpu" or t.dim() != 0:
            other = t.device
    if other is not None:
        return device, other
    return device, None


def _mixed(func, device, other):
    raise RuntimeError(
        f"Expected all tensors to be on the same device, but found at least two devices, "
        f"{device} and {other}! "
        f"(when checking arguments for {func})")


def _dispatch(func, args, kwargs):
    if func is aten.copy_.default:
        return _copy_(args[0], args[1], *args[2:], **kwargs)
    if func is aten._to_copy.default:
        return _to_copy(args[0], **kwargs)
    if func is aten._local_scalar_dense.default:
        _STATS.count("transfers", overload_name(func))
        return args[0]._data.item()
    tensors = _tensor_leaves((args, kwargs), [])
    device, other = _device_of(tensors)
    if other is not None:
        _mixed(func, device, other)
    schema = func._schema
    returns_alias = [r.alias_info for r in schema.returns if r.alias_info is not None]
    if returns_alias and not any(a.is_write for a in returns_alias):  # a view: metadata on the host
        _STATS.count("host_ops", overload_name(func))
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)), device)
    if returns_alias:  # in-place or out=: the functional overload, written into the target
        return _mutate(func, args, kwargs, device)
    return _run(func, args, kwargs, device)


def _copy_(dst, src, non_blocking=False):
    if isinstance(dst, TtnnTensor) != isinstance(src, TtnnTensor):
        _STATS.count("transfers", "aten::copy_")
    else:
        _STATS.count("host_ops", "aten::copy_")
    target = dst._data if isinstance(dst, TtnnTensor) else dst
    target.copy_(src._data if isinstance(src, TtnnTensor) else src)
    return dst


def _to_copy(x, **kwargs):
    device = kwargs.pop("device", None)
    if device is not None and torch.device(device).type != BACKEND:
        _STATS.count("transfers", "aten::_to_copy")
        return aten._to_copy.default(x._data, device=device, **kwargs)
    device = x.device if device is None else _torch_device(device)
    if device != x.device:  # another ttnn device: through the host
        _STATS.count("transfers", "aten::_to_copy")
        return TtnnTensor(aten._to_copy.default(x._data, **kwargs), device)
    return _run(aten._to_copy.default, (x,), kwargs, device)


def _functional(func):
    schema = func._schema
    name = schema.name.split("::")[-1]
    if not name.endswith("_") or not schema.arguments or schema.arguments[0].alias_info is None:
        return None
    packet = getattr(aten, name[:-1], None)
    if packet is None:
        return None
    return getattr(packet, schema.overload_name or "default", None)


def _mutate(func, args, kwargs, device):
    functional = _functional(func)
    if functional is not None and isinstance(args[0], TtnnTensor):
        result = _run(functional, args, kwargs, device)
        if isinstance(result, TtnnTensor):
            args[0]._data.copy_(result._data)
            return args[0]
    # out= variants and in-place ops without a functional twin: torch updates the host tensor
    _note_fallback(func, "mutating op without a functional overload")
    func(*_unwrap(args), **_unwrap(kwargs))
    arguments = func._schema.arguments
    mutated = [a for a, arg in zip(args, arguments) if arg.alias_info is not None and arg.alias_info.is_write]
    mutated += [v for k, v in kwargs.items() if k in {a.name for a in arguments if a.is_out}]
    return mutated[0] if len(mutated) == 1 else tuple(mutated)


def _signature(x):
    if isinstance(x, torch.Tensor):
        return (tuple(x.shape), x.dtype)
    if isinstance(x, (list, tuple)):
        return (type(x),) + tuple(_signature(v) for v in x)
    if isinstance(x, dict):
        return tuple((k, _signature(v)) for k, v in sorted(x.items()))
    return (type(x), x)


def _run(func, args, kwargs, device):
    """func on device tensors: a cached one-node Program, a decomposition, or torch on the CPU."""
    entry = _entry(device.index if device is not None else None)
    key = (func, _signature(args), _signature(kwargs))
    plan = entry.cache.get(key)
    if plan is None:
        plan = entry.cache[key] = _plan(func, args, kwargs, entry)
        if plan[0] == "ttnn":
            _STATS.compiles += 1
    elif plan[0] == "ttnn":
        _STATS.cache_hits += 1
    kind = plan[0]
    if kind == "ttnn":
        _, island, empty = plan
        hosts = [t._data if isinstance(t, TtnnTensor) else t for t in _tensor_leaves((args, kwargs), [])]
        outs = island(*hosts)
        _STATS.count("ttnn_ops", overload_name(func))
        outs = [TtnnTensor(o, device) for o in outs]
        if empty is None:
            return outs[0]
        for k, shape, dtype in empty:
            outs.insert(k, TtnnTensor(torch.empty(shape, dtype=dtype), device))
        return tuple(outs)
    if kind == "decomp":
        result = plan[1](*args, **kwargs)
        if result is not NotImplemented:
            _STATS.decomposed += 1
            return result
        plan = ("torch", "its decomposition declined these arguments")
    _note_fallback(func, plan[1])
    return _wrap(func(*_unwrap(args), **_unwrap(kwargs)), device)


def _note_fallback(func, reason):
    name = overload_name(func)
    _STATS.count("fallback_ops", name)
    _STATS.fallback_reasons.setdefault(name, reason)
    if name not in _WARNED:
        _WARNED.add(name)
        warnings.warn(f"torch_ttnn eager: {name} runs in torch on the CPU (fallback): {reason}", stacklevel=4)


def _rules():
    global _RULES, _DECOMP
    if _RULES is None:
        _RULES = set(_G.rule_overloads())
        _DECOMP = decomposition_table()
    return _RULES


def _plan(func, args, kwargs, entry):
    """('ttnn', island, empty) | ('decomp', fn) | ('torch', reason), decided once per signature.
    empty: None for a single-output op, else the (position, shape, dtype) of its empty outputs."""
    reason = _ask_rules(func, args, kwargs, entry) if overload_name(func) in _rules() else "no lowering rule"
    if isinstance(reason, tuple):
        return reason
    decomp = _DECOMP.get(func)
    if decomp is not None:
        return ("decomp", decomp)
    return ("torch", reason)


_EMPTY_OUTPUTS = {aten._native_batch_norm_legit_no_training.default: (1, 2)}


def _meta(x):
    if isinstance(x, torch.Tensor):
        return torch.empty_strided(x.shape, x.stride(), dtype=x.dtype, device="meta")
    if isinstance(x, (list, tuple)):
        return type(x)(_meta(v) for v in x)
    return x


def _ask_rules(func, args, kwargs, entry):
    """The one-node graph of this call, asked of C++ the way the partitioner asks; compiled when
    supported. Returns the plan tuple, or the reason it is not supported."""
    try:
        out = func(*_meta(args), **_meta(kwargs))
    except Exception as err:  # no meta kernel: torch decides the output types
        return f"no meta kernel ({type(err).__name__})"
    multi = not isinstance(out, torch.Tensor)
    outs = list(out) if multi else [out]
    if not outs or not all(isinstance(o, torch.Tensor) for o in outs):
        return "returns something other than tensors"

    graph = torch.fx.Graph()
    counter = iter(range(1 << 30))

    def to_nodes(x):
        if isinstance(x, torch.Tensor):
            node = graph.placeholder(f"arg{next(counter)}")
            node.meta["val"] = _meta(x)
            return node
        if isinstance(x, (list, tuple)):
            return type(x)(to_nodes(v) for v in x)
        if isinstance(x, dict):
            return {k: to_nodes(v) for k, v in x.items()}
        return x

    node_args, node_kwargs = to_nodes(args), to_nodes(kwargs)
    call = graph.call_function(func, node_args, node_kwargs)
    call.meta["val"] = out
    # Empty outputs are made on the host: asking the program for them would make the rules refuse
    # an op whose real output they support. Inference batch norm's saved statistics are empty in
    # torch's CPU kernel, though its meta kernel gives them shape [C].
    if func in _EMPTY_OUTPUTS:
        outs = [o.new_empty((0,)) if k in _EMPTY_OUTPUTS[func] else o for k, o in enumerate(outs)]
    empty = [k for k, o in enumerate(outs) if o.numel() == 0] if multi else []
    if multi:
        results = []
        for k, o in enumerate(outs):
            if k in empty:
                continue
            item = graph.call_function(operator.getitem, (call, k))
            item.meta["val"] = o
            results.append(item)
        if not results:
            return "every output is empty"
        graph.output(results)
    else:
        graph.output(call)
    gm = torch.fx.GraphModule(torch.nn.Module(), graph)
    importer = Importer(gm)
    imported = importer.run(strict=False)
    if importer.errors:
        return next(iter(importer.errors.values()))
    reasons = _G.support_reasons(imported, entry.option.lower_options())
    reason = next((r for r, n in zip(reasons, importer.node_of_index) if n is call), "not imported")
    if reason:
        return reason
    try:
        island = CompiledIsland(gm, entry.option, name=f"eager.{overload_name(func)}")
    except Exception as err:
        return f"compile failed ({type(err).__name__}: {err})"
    return ("ttnn", island, [(k, outs[k].shape, outs[k].dtype) for k in empty] if multi else None)
