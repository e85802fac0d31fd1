"""Lowering of the creation family: full / zeros / ones / empty (+ _like, new_*), scalar_tensor,
arange, fill. The created tensors come from ttnn.full / ttnn.arange / ... nodes without tensor
operands, made on the program's device."""

import json
import os
import tempfile

import pytest
import torch

import ttnn
import torch_ttnn
from torch_ttnn.fx_import import ELEM, host_tensor
from lowering_check import compile_and_check

_G = ttnn._C.graph



@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)

def check(fn, inputs, device, overload, **kw):
    got, metrics = compile_and_check(fn, inputs, device, **kw)
    assert overload in metrics["aten_ops"], f"{overload} not in the graph: {list(metrics['aten_ops'])}"
    assert metrics["aten_ops"][overload]["lowered"], metrics["aten_ops"][overload]["reason"]
    return got, metrics


NUMERICS = ["fast", "faithful"]

FULL = {
    "full_float": (lambda x: torch.full((3, 37), 1.5) + x, "aten.full.default"),
    "full_int": (lambda x: torch.full((2, 5), 7, dtype=torch.int64), "aten.full.default"),
    "full_bool": (lambda x: torch.full((2, 5), True), "aten.full.default"),
    "zeros": (lambda x: torch.zeros(3, 37) + x, "aten.full.default"),
    "ones_int": (lambda x: torch.ones(4, dtype=torch.int32), "aten.full.default"),
    "full_like": (lambda x: torch.full_like(x, -2.25), "aten.full_like.default"),
    "zeros_like": (lambda x: torch.zeros_like(x) + x, "aten.full_like.default"),
    "ones_like_int": (lambda x: torch.ones_like(x, dtype=torch.int64), "aten.full_like.default"),
    "new_zeros": (lambda x: x.new_zeros(2, 7), "aten.full.default"),
    "new_ones": (lambda x: x.new_ones(5), "aten.full.default"),
    "new_full": (lambda x: x.new_full((3,), 4.0), "aten.full.default"),
    "fill": (lambda x: torch.fill(x, 3.0), "aten.full_like.default"),
    "scalar_tensor": (lambda x: x * torch.scalar_tensor(2.0), "aten.scalar_tensor.default"),
    "scalar_tensor_int": (lambda x: torch.scalar_tensor(3, dtype=torch.int64), "aten.scalar_tensor.default"),
}


@pytest.mark.parametrize("numerics", NUMERICS)
@pytest.mark.parametrize("name", list(FULL))
def test_full(device, name, numerics):
    fn, overload = FULL[name]
    x = torch.randn(3, 37)
    kw = dict(exact=True)
    if numerics == "faithful":
        x = x.to(torch.bfloat16).float()  # all fill values are bf16-exact: the results are exact...
        if name == "full_float":
            kw = dict(min_pcc=0.9999, atol=0.02, rtol=0.01)  # ...but for 1.5 + x rounded to bf16
    check(fn, [x], device, overload, numerics=numerics, **kw)


ARANGE = {
    "end": (lambda x: torch.arange(37) + x, "aten.arange.start_step"),
    "start_end": (lambda x: torch.arange(3, 40), "aten.arange.start_step"),
    "step": (lambda x: torch.arange(1, 50, 3), "aten.arange.start_step"),
    "negative_step": (lambda x: torch.arange(10, -7, -2), "aten.arange.start_step"),
    "float": (lambda x: torch.arange(0, 2, 0.25), "aten.arange.start_step"),
    "float_dtype": (lambda x: torch.arange(5, dtype=torch.float32) * 0.5, "aten.arange.start_step"),
}


@pytest.mark.parametrize("numerics", NUMERICS)
@pytest.mark.parametrize("name", list(ARANGE))
def test_arange(device, name, numerics):
    fn, overload = ARANGE[name]
    x = torch.randn(37)
    if numerics == "faithful":
        x = x.to(torch.bfloat16).float()
    exact = numerics == "fast" or name != "end"  # x + arange(37) rounds to bf16 in faithful mode
    kw = dict(exact=True) if exact else dict(min_pcc=0.9999)
    check(fn, [x], device, overload, numerics=numerics, **kw)


def run_aten_node(device, op, args, out_shape, out_dtype, numerics="fast"):
    """One creation node through lowering and the executor (overloads the tracer rewrites)."""
    g = _G.Graph()
    g.add_input([1], "f32", "unused")
    outs = g.add_node(op, args, {}, [(list(out_shape), ELEM[out_dtype])], "node")
    g.set_outputs(list(outs))
    option = torch_ttnn.TorchTtnnOption(device=device, numerics=numerics)
    program, _ = _G.compile(g, option.lower_options(), device)
    return ttnn.to_torch(program.run([host_tensor(torch.zeros(1))])[0]).to(out_dtype)


def test_arange_overloads(device):
    """arange.default and arange.start (tracing turns both into start_step)."""
    got = run_aten_node(device, "aten::arange.default", [9, None, None, None, None], [9], torch.int64)
    assert torch.equal(got, torch.arange(9))
    got = run_aten_node(device, "aten::arange.start", [2, 7.5, None, None, None, None], [6], torch.float32)
    assert torch.equal(got, torch.arange(2, 7.5))


def test_creation_overloads(device):
    """zeros / ones / new_* / empty overloads that the tracer rewrites into full."""
    got = run_aten_node(device, "aten::zeros.default", [[2, 3], None, None, None, None], [2, 3], torch.float32)
    assert torch.equal(got, torch.zeros(2, 3))
    got = run_aten_node(device, "aten::ones.default", [[5], None, None, None, None], [5], torch.int64)
    assert torch.equal(got, torch.ones(5, dtype=torch.int64))
    got = run_aten_node(device, "aten::full.default", [[4], 2.5, None, None, None, None], [4], torch.int64)
    assert torch.equal(got, torch.full((4,), 2, dtype=torch.int64))  # an int output truncates the value


@pytest.mark.parametrize("numerics", NUMERICS)
def test_empty(device, numerics):
    """empty's contents are unspecified: only shapes and dtypes are compared (ttnn.empty gives zeros)."""
    x = torch.randn(3, 37)
    for fn, overload in [(lambda t: torch.empty(2, 7), "aten.empty.memory_format"),
                         (lambda t: torch.empty_like(t), "aten.empty_permuted.default"),
                         (lambda t: t.new_empty(4, dtype=torch.int32), "aten.empty.memory_format"),
                         (lambda t: t.new_empty_strided((2, 5), (5, 1)), "aten.new_empty_strided.default")]:
        torch._dynamo.reset()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "metrics.json")
            option = torch_ttnn.TorchTtnnOption(device=device, numerics=numerics, metrics_path=path)
            got, want = torch.compile(fn, backend=torch_ttnn.backend, options=option)(x), fn(x)
            with open(path) as f:
                metrics = json.load(f)
        assert metrics["ops_after_in_torch"] == 0 and metrics["aten_ops"][overload]["lowered"], metrics
        assert got.shape == want.shape and got.dtype == want.dtype
        assert torch.count_nonzero(got) == 0
