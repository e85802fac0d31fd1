"""Lowering of the tensor family: dtype conversions (_to_copy, type_as, copy) and the identities
(clone, alias, detach, lift_fresh_copy) and no-op assertions."""

import pytest
import torch

from lowering_check import compile_and_check



@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)

def check(fn, inputs, device, overload, **kw):
    got, metrics = compile_and_check(fn, inputs, device, **kw)
    assert overload in metrics["aten_ops"], f"{overload} not in the graph: {list(metrics['aten_ops'])}"
    assert metrics["aten_ops"][overload]["lowered"], metrics["aten_ops"][overload]["reason"]
    return got, metrics


def _values(shape):
    """Floats with fractions of both signs, halves and zeros (truncation and != 0 edge cases)."""
    x = torch.randn(shape) * 20
    x.view(-1)[:4] = torch.tensor([0.0, 0.5, -0.5, -1.75])
    return x


CONVERSIONS = {
    "f32_to_i32": (lambda x: x.to(torch.int32), True),
    "f32_to_i64": (lambda x: x.to(torch.int64), True),
    "f32_to_bool": (lambda x: x.to(torch.bool), True),
    "f32_to_bf16": (lambda x: x.to(torch.bfloat16), True),
    "f32_to_f16": (lambda x: x.to(torch.float16), False),
    "i64_to_f32": (lambda x: x.long().float(), True),
    "i64_to_bool": (lambda x: x.long().bool(), True),
    "i64_to_i32": (lambda x: x.long().int(), True),
    "bool_to_f32": (lambda x: (x > 0).float(), True),
    "bool_to_i64": (lambda x: (x > 0).long(), True),
    "bool_to_u8": (lambda x: (x > 0).to(torch.uint8), True),
}


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
@pytest.mark.parametrize("shape", [(4, 37), (2, 3, 5)])
@pytest.mark.parametrize("name", list(CONVERSIONS))
def test_to_copy(device, name, shape, numerics):
    fn, exact = CONVERSIONS[name]
    x = _values(shape)
    if numerics == "faithful":
        # bf16 inputs: compare with torch on the bf16-rounded input (conversions are then exact).
        x = x.to(torch.bfloat16).float()
    check(fn, [x], device, "aten._to_copy.default", exact=exact, numerics=numerics)


def test_to_copy_int32_input(device):
    x = torch.randint(-1000, 1000, (3, 29), dtype=torch.int32)
    check(lambda t: t.float() * 0.5, [x], device, "aten._to_copy.default", exact=True, numerics="fast")
    torch._dynamo.reset()
    check(lambda t: t.bool(), [x], device, "aten._to_copy.default", exact=True)


def test_type_as(device):
    x = _values((4, 37))
    check(lambda t: t.type_as(torch.zeros(1, dtype=torch.int32)), [x], device, "aten._to_copy.default", exact=True,
          numerics="fast")
    torch._dynamo.reset()
    check(lambda t: torch.ops.aten.type_as(t, torch.zeros(1, dtype=torch.int32)), [x], device,
          "aten._to_copy.default", exact=True, numerics="fast")


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
def test_clone_alias_detach(device, numerics):
    x = torch.randn(4, 37)
    kw = dict(exact=True) if numerics == "fast" else dict(min_pcc=0.9999)
    check(lambda t: t.clone() + 1, [x], device, "aten.clone.default", numerics=numerics, **kw)
    torch._dynamo.reset()
    check(lambda t: torch.ops.aten.alias(t) * 2, [x], device, "aten.alias.default", numerics=numerics, **kw)
    torch._dynamo.reset()
    # Through dynamo, detach reaches the graph as alias.
    check(lambda t: t.detach() - 1, [x], device, "aten.alias.default", numerics=numerics, **kw)


def test_lift_fresh_copy(device):
    x = torch.randn(4, 3)
    check(lambda t: t * torch.tensor([1.0, 2.0, 3.0]), [x], device, "aten.lift_fresh_copy.default", exact=True,
          numerics="fast")


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
def test_copy(device, numerics):
    x = torch.randn(4, 37)
    kw = dict(exact=True) if numerics == "fast" else dict(min_pcc=0.9999)
    check(lambda t: torch.zeros_like(t).copy_(t * 2), [x], device, "aten.copy.default", numerics=numerics, **kw)
    torch._dynamo.reset()
    xi = torch.randint(-9, 9, (4, 37), dtype=torch.int32)
    check(lambda t: torch.zeros(4, 37).copy_(t), [xi], device, "aten.copy.default", exact=True, numerics=numerics)


@pytest.mark.parametrize("src_shape,src_dtype", [
    ((37,), torch.float32), ((4, 1), torch.float32), ((), torch.float32), ((1, 37), torch.int32), ((37,), torch.bool),
], ids=["row", "column", "scalar", "int_row", "bool_row"])
def test_copy_broadcast(device, src_shape, src_dtype):
    """copy_ broadcasts src to self's shape (and converts it to self's dtype)."""
    x = (torch.randn(src_shape) * 5).to(src_dtype)
    check(lambda t: torch.zeros(4, 37).copy_(t), [x], device, "aten.copy.default", exact=True, numerics="fast")


def test_copy_broadcast_into_bool(device):
    x = torch.tensor([0.0, 0.5, -2.0, 0.0, 3.0])
    check(lambda t: torch.zeros(3, 5, dtype=torch.bool).copy_(t), [x], device, "aten.copy.default", exact=True)


def test_asserts_are_no_ops(device):
    """_assert_tensor_metadata / _assert_scalar lower to nothing. (Through torch.compile they stay in
    torch for now: the FX importer rejects nodes without outputs; checked here on the IR.)"""
    import ttnn
    import torch_ttnn
    from torch_ttnn.fx_import import host_tensor

    g = ttnn._C.graph.Graph()
    x = g.add_input([3, 5], "f32", "x")
    ref = ttnn._C.graph.Ref(x)
    g.add_node("aten::_assert_tensor_metadata.default", [ref, None, None, "f32", None, None], {}, [], "assert_meta")
    g.add_node("aten::_assert_scalar.default", [True, "message"], {}, [], "assert_scalar")
    (y,) = g.add_node("aten::relu.default", [ref], {}, [([3, 5], "f32")], "relu")
    g.set_outputs([y])
    option = torch_ttnn.TorchTtnnOption(device=device, numerics="fast")
    program, _ = ttnn._C.graph.compile(g, option.lower_options(), device)
    t = torch.randn(3, 5)
    assert torch.equal(ttnn.to_torch(program.run([host_tensor(t)])[0]), torch.relu(t))
