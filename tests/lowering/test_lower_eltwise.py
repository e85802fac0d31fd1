"""Lowering of the eltwise family: unary ops and activations, binary ops with broadcasting and
scalar operands, comparisons, logical ops, where / masked_fill. Each ATen overload is checked to
be what the traced graph holds, lowered (no op left in torch) and close to eager, in fast numerics
(float32 throughout: exact where the math is exact) and in faithful numerics (bf16)."""

import pytest
import torch
import torch.nn.functional as F

import ttnn
import torch_ttnn
from torch_ttnn.fx_import import ELEM, host_tensor
from lowering_check import compile_and_check

_G = ttnn._C.graph

SHAPES = [(4, 37), (2, 3, 5)]



@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)

def check(fn, inputs, device, overloads, **kw):
    """compile_and_check, also asserting that the graph held these ATen overloads."""
    got, metrics = compile_and_check(fn, inputs, device, **kw)
    for overload in overloads if isinstance(overloads, (list, tuple)) else [overloads]:
        assert overload in metrics["aten_ops"], f"{overload} not in the graph: {list(metrics['aten_ops'])}"
        assert metrics["aten_ops"][overload]["lowered"], metrics["aten_ops"][overload]["reason"]
    return got, metrics


def fast_exact(**extra):
    return dict(numerics="fast", exact=True, **extra)


def fast_close(atol=1e-5, rtol=1e-5):
    return dict(numerics="fast", min_pcc=0.9999, atol=atol, rtol=rtol)


def faithful(min_pcc=0.999):
    return dict(min_pcc=min_pcc)


def randn(shape, lo=None, hi=None):
    if lo is None:
        return torch.randn(shape)
    return torch.rand(shape) * (hi - lo) + lo


# ---- unary ------------------------------------------------------------------------------------

# name -> (fn, ATen overload, input range or None for randn, exact in fast mode)
UNARY = {
    "relu": (torch.relu, "aten.relu.default", None, True),
    "relu6": (F.relu6, "aten.hardtanh.default", (-8, 8), True),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.75), "aten.hardtanh.default", None, True),
    "gelu": (F.gelu, "aten.gelu.default", None, False),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), "aten.gelu.default", None, False),
    "silu": (F.silu, "aten.silu.default", None, False),
    "sigmoid": (torch.sigmoid, "aten.sigmoid.default", None, False),
    "tanh": (torch.tanh, "aten.tanh.default", None, False),
    "exp": (torch.exp, "aten.exp.default", None, False),
    "log": (torch.log, "aten.log.default", (0.01, 10), False),
    "sqrt": (torch.sqrt, "aten.sqrt.default", (0, 10), False),
    "rsqrt": (torch.rsqrt, "aten.rsqrt.default", (0.1, 10), False),
    "reciprocal": (torch.reciprocal, "aten.reciprocal.default", (0.5, 4), False),
    "neg": (torch.neg, "aten.neg.default", None, True),
    "abs": (torch.abs, "aten.abs.default", None, True),
    "sign": (torch.sign, "aten.sign.default", None, True),
    "floor": (torch.floor, "aten.floor.default", (-5, 5), True),
    "ceil": (torch.ceil, "aten.ceil.default", (-5, 5), True),
    "round": (torch.round, "aten.round.default", (-5, 5), True),
    "round_decimals": (lambda x: torch.round(x, decimals=1), "aten.round.decimals", (-5, 5), False),
    "trunc": (torch.trunc, "aten.trunc.default", (-5, 5), True),
    "sin": (torch.sin, "aten.sin.default", None, False),
    "cos": (torch.cos, "aten.cos.default", None, False),
    "erf": (torch.erf, "aten.erf.default", None, False),
    "hardswish": (F.hardswish, "aten.hardswish.default", (-5, 5), False),
    "hardsigmoid": (F.hardsigmoid, "aten.hardsigmoid.default", (-5, 5), False),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), "aten.leaky_relu.default", None, True),
    "elu": (lambda x: F.elu(x, 0.5), "aten.elu.default", None, False),
    "selu": (F.selu, "aten.elu.default", None, False),
    "mish": (F.mish, "aten.mish.default", None, False),
    "softplus": (F.softplus, "aten.softplus.default", None, False),
    "softplus_beta": (lambda x: F.softplus(x, 2.0, 3.0), "aten.softplus.default", None, False),
    "clamp": (lambda x: torch.clamp(x, -0.5, 0.5), "aten.clamp.default", None, True),
    "clamp_min_only": (lambda x: torch.clamp(x, min=0.25), "aten.clamp.default", None, True),
    "clamp_min": (lambda x: torch.clamp_min(x, 0.1), "aten.clamp_min.default", None, True),
    "clamp_max": (lambda x: torch.clamp_max(x, 0.1), "aten.clamp_max.default", None, True),
    "pow_scalar": (lambda x: x ** 2.5, "aten.pow.Tensor_Scalar", (0.1, 3), False),
    "square": (torch.square, "aten.pow.Tensor_Scalar", None, True),
    "expm1": (torch.expm1, "aten.expm1.default", None, False),
    "log1p": (torch.log1p, "aten.log1p.default", (0, 5), False),
    "log2": (torch.log2, "aten.log2.default", (0.1, 10), False),
    "exp2": (torch.exp2, "aten.exp2.default", None, False),
    "log10": (torch.log10, "aten.log10.default", (0.1, 10), False),
    "tan": (torch.tan, "aten.tan.default", (-1, 1), False),
    "asin": (torch.asin, "aten.asin.default", (-0.9, 0.9), False),
    "acos": (torch.acos, "aten.acos.default", (-0.9, 0.9), False),
    "atan": (torch.atan, "aten.atan.default", None, False),
    "sinh": (torch.sinh, "aten.sinh.default", None, False),
    "cosh": (torch.cosh, "aten.cosh.default", None, False),
    "erfc": (torch.erfc, "aten.erfc.default", None, False),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", list(UNARY))
def test_unary_fast(device, name, shape):
    fn, overload, rng, exact = UNARY[name]
    x = randn(shape, *(rng or (None, None)))
    check(fn, [x], device, overload, **(fast_exact() if exact else fast_close(atol=2e-5)))


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_faithful(device, name):
    fn, overload, rng, _ = UNARY[name]
    x = randn((3, 41), *(rng or (None, None)))
    # Rounding ops see the bf16-rounded input: a few elements may land on the other side.
    min_pcc = 0.99 if name in ("floor", "ceil", "round", "trunc", "round_decimals", "sign") else 0.999
    check(fn, [x], device, overload, **faithful(min_pcc))


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
def test_unary_bool_results(device, numerics):
    x = torch.randn(5, 19)
    x[0, :3] = float("nan")
    x[1, :3] = float("inf")
    x[2, :2] = -float("inf")
    for fn, overload in [(torch.isnan, "aten.isnan.default"), (torch.isinf, "aten.isinf.default"),
                         (lambda t: torch.logical_not(t > 0), "aten.logical_not.default"),
                         (lambda t: ~(t > 0), "aten.bitwise_not.default")]:
        torch._dynamo.reset()
        check(fn, [x], device, overload, exact=True, numerics=numerics)


def test_unary_int_inputs(device):
    """torch promotes integer inputs of float ops to float; integer abs/neg/sign/relu/floor stay int."""
    x = torch.randint(-20, 20, (4, 33), dtype=torch.int32)
    check(lambda t: torch.exp(t.long() * 0.1), [x], device, "aten.exp.default", **fast_close(atol=1e-4))
    check(lambda t: torch.sqrt(t.abs()), [x], device, "aten.sqrt.default", **fast_close())
    for fn, overload in [(torch.abs, "aten.abs.default"), (torch.neg, "aten.neg.default"),
                         (torch.sign, "aten.sign.default"), (torch.relu, "aten.relu.default"),
                         (torch.floor, "aten.floor.default"), (lambda t: t.clamp(-3, 5), "aten.clamp.default"),
                         (lambda t: t.clamp(min=-2.5), "aten.clamp.default"),
                         (lambda t: F.hardtanh(t, -4, 4), "aten.hardtanh.default"),
                         (torch.square, "aten.pow.Tensor_Scalar"), (torch.isnan, "aten.isnan.default")]:
        torch._dynamo.reset()
        check(fn, [x], device, overload, exact=True, numerics="fast")


def test_clamp_tensor_bounds(device):
    x, lo = torch.randn(4, 37), torch.randn(37) - 0.5
    check(lambda t, m: torch.clamp(t, m, m + 1.0), [x, lo], device, "aten.clamp.Tensor", **fast_exact())
    torch._dynamo.reset()
    check(lambda t, m: torch.clamp_min(t, m), [x, lo], device, "aten.clamp_min.Tensor", **fast_exact())
    torch._dynamo.reset()
    check(lambda t, m: torch.clamp_max(t, m), [x, lo], device, "aten.clamp_max.Tensor", **fast_exact())
    torch._dynamo.reset()
    check(lambda t, m: torch.clamp(t, max=m), [x, lo], device, ["aten.clamp.Tensor"], **faithful(0.999))


# ---- binary -----------------------------------------------------------------------------------

PAIRS = [((4, 37), (4, 37)), ((2, 3, 5), (5,)), ((3, 1, 7), (1, 4, 1))]

# name -> (fn, ATen overload, exact in fast mode, b range)
BINARY = {
    "add": (torch.add, "aten.add.Tensor", True, None),
    "add_alpha": (lambda a, b: torch.add(a, b, alpha=2), "aten.add.Tensor", True, None),
    "sub": (torch.sub, "aten.sub.Tensor", True, None),
    "sub_alpha": (lambda a, b: torch.sub(a, b, alpha=0.5), "aten.sub.Tensor", False, None),
    "rsub": (lambda a, b: torch.rsub(a, b, alpha=2), "aten.rsub.Tensor", True, None),
    "mul": (torch.mul, "aten.mul.Tensor", True, None),
    "div": (torch.div, "aten.div.Tensor", True, (0.5, 3)),
    "div_floor": (lambda a, b: torch.div(a, b, rounding_mode="floor"), "aten.div.Tensor_mode", True, (0.5, 3)),
    "div_trunc": (lambda a, b: torch.div(a, b, rounding_mode="trunc"), "aten.div.Tensor_mode", True, (0.5, 3)),
    "maximum": (torch.maximum, "aten.maximum.default", True, None),
    "minimum": (torch.minimum, "aten.minimum.default", True, None),
    "pow": (lambda a, b: torch.pow(a.abs() + 0.1, b), "aten.pow.Tensor_Tensor", False, None),
    "remainder": (torch.remainder, "aten.remainder.Tensor", False, (0.5, 3)),
    "fmod": (torch.fmod, "aten.fmod.Tensor", False, (0.5, 3)),
}


@pytest.mark.parametrize("shapes", PAIRS, ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_fast(device, name, shapes):
    fn, overload, exact, rng = BINARY[name]
    a, b = randn(shapes[0]), randn(shapes[1], *(rng or (None, None)))
    if name in ("remainder", "fmod", "div_floor", "div_trunc"):
        b = b * torch.sign(torch.randn(shapes[1]))  # both signs of the divisor
    kw = fast_exact() if exact else fast_close(atol=1e-5)
    check(fn, [a, b], device, overload, **kw)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_faithful(device, name):
    fn, overload, _, rng = BINARY[name]
    a, b = randn((3, 41)), randn((41,), *(rng or (None, None)))
    if name in ("div_floor", "div_trunc", "remainder", "fmod"):
        # Floor / remainder jump where an operand crosses a multiple of the divisor: bf16-exact
        # inputs put the jumps where eager has them.
        a, b = a.to(torch.bfloat16).float(), b.to(torch.bfloat16).float()
    check(fn, [a, b], device, overload, **faithful(0.999))


SCALAR_OPS = {
    "add_int": (lambda a: a + 2, "aten.add.Tensor"),
    "add_float": (lambda a: a + 0.25, "aten.add.Tensor"),
    "add_Scalar": (lambda a: torch.ops.aten.add.Scalar(a, 3, 2), "aten.add.Scalar"),
    "sub": (lambda a: a - 2.5, "aten.sub.Tensor"),
    "sub_Scalar": (lambda a: torch.ops.aten.sub.Scalar(a, 1.5, 2), "aten.sub.Scalar"),
    "rsub": (lambda a: 1 - a, "aten.rsub.Scalar"),
    "mul": (lambda a: a * 3, "aten.mul.Tensor"),
    "mul_Scalar": (lambda a: torch.ops.aten.mul.Scalar(a, -1.5), "aten.mul.Scalar"),
    "div": (lambda a: a / 4, "aten.div.Tensor"),
    "div_Scalar": (lambda a: torch.ops.aten.div.Scalar(a, 0.5), "aten.div.Scalar"),
    "floordiv": (lambda a: a // 0.75, "aten.div.Tensor_mode"),
    "floordiv_Scalar": (lambda a: torch.ops.aten.div.Scalar_mode(a, 0.75, rounding_mode="floor"),
                        "aten.div.Scalar_mode"),
    "truncdiv_Scalar": (lambda a: torch.ops.aten.div.Scalar_mode(a, -0.75, rounding_mode="trunc"),
                        "aten.div.Scalar_mode"),
    "pow_Scalar": (lambda a: 2 ** a, "aten.pow.Scalar"),
    "remainder": (lambda a: a % 0.7, "aten.remainder.Scalar"),
    "fmod": (lambda a: torch.fmod(a, 0.7), "aten.fmod.Scalar"),
}


# Results that jump where an operand crosses a multiple of the divisor: looser in both modes.
JUMPY = {"remainder", "fmod", "floordiv", "floordiv_Scalar", "truncdiv_Scalar"}


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
@pytest.mark.parametrize("name", list(SCALAR_OPS))
def test_binary_scalar(device, name, numerics):
    fn, overload = SCALAR_OPS[name]
    a = torch.randn(5, 23) * 3
    if numerics == "fast":
        check(fn, [a], device, overload, **fast_close(atol=1e-4 if name in JUMPY else 1e-5))
    else:
        # bf16-exact inputs: the jumps are then where eager has them; only the output is rounded.
        check(fn, [a.to(torch.bfloat16).float()], device, overload, **faithful(0.999))


CMP = ["eq", "ne", "lt", "le", "gt", "ge"]


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
@pytest.mark.parametrize("op", CMP)
def test_compare(device, op, numerics):
    a = torch.randint(-3, 4, (4, 37)).float() * 0.5
    b = torch.randint(-3, 4, (37,)).float() * 0.5
    fn = getattr(torch, op)
    check(fn, [a, b], device, f"aten.{op}.Tensor", exact=True, numerics=numerics)
    torch._dynamo.reset()
    check(lambda t: fn(t, 0.5), [a], device, f"aten.{op}.Scalar", exact=True, numerics=numerics)


@pytest.mark.parametrize("op", ["logical_and", "logical_or", "logical_xor"])
def test_logical(device, op):
    a, b = torch.randn(3, 29).to(torch.bfloat16).float(), torch.randn(29).to(torch.bfloat16).float()
    a[0, :5] = 0.0
    fn = getattr(torch, op)
    check(lambda x, y: fn(x > 0, y < 0.5), [a, b], device, f"aten.{op}.default", exact=True)
    torch._dynamo.reset()
    # Float operands: nonzero is true.
    check(fn, [a, b], device, f"aten.{op}.default", exact=True, numerics="fast")


@pytest.mark.parametrize("op,name", [("__and__", "bitwise_and"), ("__or__", "bitwise_or"), ("__xor__", "bitwise_xor")])
def test_bitwise_bool(device, op, name):
    a, b = torch.randn(3, 29), torch.randn(3, 29)
    check(lambda x, y: getattr(x > 0, op)(y > 0), [a, b], device, f"aten.{name}.Tensor", exact=True)
    torch._dynamo.reset()
    for value in (True, False):
        check(lambda x: getattr(x > 0, op)(value), [a], device, f"aten.{name}.Scalar", exact=True)
        torch._dynamo.reset()


def _selection(numerics):
    """where selects values: exact in fast mode; faithful compares with the bf16-rounded inputs."""
    return dict(exact=True, numerics="fast") if numerics == "fast" else dict(min_pcc=0.9999, atol=0.01, rtol=0.01)


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
def test_where(device, numerics):
    c, a, b = torch.randn(4, 37), torch.randn(4, 37), torch.randn(37)
    check(lambda c, a, b: torch.where(c > 0, a, b), [c, a, b], device, "aten.where.self", **_selection(numerics))
    torch._dynamo.reset()
    check(lambda c, a: torch.where(c > 0, a, 0.0), [c, a], device, "aten.where.self", **_selection(numerics))
    torch._dynamo.reset()
    check(lambda c: torch.where(c > 0, 1.0, -2.0), [c], device, "aten.where.self", exact=True, numerics=numerics)
    torch._dynamo.reset()
    # masked_fill reaches the graph as where(mask, scalar_tensor(value), self).
    check(lambda x, m: x.masked_fill(m > 0, -1.0), [a, b], device, "aten.where.self", **_selection(numerics))


def run_aten_node(device, op, make_args, inputs, out_shape, out_dtype, numerics="fast"):
    """Runs one ATen node through lowering and the executor (for overloads that the tracer's
    decompositions never leave in a graph, such as masked_fill and where's scalar forms)."""
    g = _G.Graph()
    refs = [_G.Ref(g.add_input(list(t.shape), ELEM[t.dtype], f"x{i}")) for i, t in enumerate(inputs)]
    outs = g.add_node(op, make_args(refs), {}, [(list(out_shape), ELEM[out_dtype])], "node")
    g.set_outputs(list(outs))
    option = torch_ttnn.TorchTtnnOption(device=device, numerics=numerics)
    program, _ = _G.compile(g, option.lower_options(), device)
    result = ttnn.to_torch(program.run([host_tensor(t) for t in inputs])[0])
    return result.to(out_dtype)


def test_where_scalar_overloads(device):
    c, a = torch.randn(4, 37), torch.randn(37)
    mask = (c > 0).to(torch.uint8)  # bool graph inputs cross as uint8
    got = run_aten_node(device, "aten::where.ScalarOther", lambda r: [r[0], r[1], 3.0], [mask, a], c.shape,
                        torch.float32)
    assert torch.equal(got, torch.where(c > 0, a, 3.0))
    got = run_aten_node(device, "aten::where.ScalarSelf", lambda r: [r[0], -1.5, r[1]], [mask, a], c.shape,
                        torch.float32)
    assert torch.equal(got, torch.where(c > 0, -1.5, a))
    got = run_aten_node(device, "aten::where.Scalar", lambda r: [r[0], 2, -1], [mask], c.shape, torch.float32)
    assert torch.equal(got, torch.where(c > 0, 2.0, -1.0))


def test_square_overload(device):
    x = torch.randn(4, 37)
    assert torch.equal(run_aten_node(device, "aten::square.default", lambda r: r, [x], x.shape, torch.float32), x * x)
    xi = torch.randint(-99, 99, (4, 37), dtype=torch.int32)
    assert torch.equal(run_aten_node(device, "aten::square.default", lambda r: r, [xi], xi.shape, torch.int32), xi * xi)


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
def test_masked_fill_overloads(device, numerics):
    x, m = torch.randn(4, 37), torch.randn(37)
    mask = (m > 0).to(torch.uint8)
    want = x.masked_fill(m > 0, -2.0)
    if numerics == "faithful":
        want = want.to(torch.bfloat16).float()
    got = run_aten_node(device, "aten::masked_fill.Scalar", lambda r: [r[0], r[1], -2.0], [x, mask], x.shape,
                        torch.float32, numerics)
    assert torch.equal(got, want)
    value = torch.tensor(-2.0)
    got = run_aten_node(device, "aten::masked_fill.Tensor", lambda r: [r[0], r[1], r[2]], [x, mask, value],
                        x.shape, torch.float32, numerics)
    assert torch.equal(got, want)
    xi = torch.randint(-9, 9, (4, 37), dtype=torch.int32)
    got = run_aten_node(device, "aten::masked_fill.Scalar", lambda r: [r[0], r[1], 7], [xi, mask], xi.shape,
                        torch.int32)
    assert torch.equal(got, xi.masked_fill(m > 0, 7))


# ---- integer and mixed dtypes -----------------------------------------------------------------

INT_OPS = {
    "add": (lambda a, b: a + b, "aten.add.Tensor"),
    "add_alpha": (lambda a, b: torch.add(a, b, alpha=3), "aten.add.Tensor"),
    "sub": (lambda a, b: a - b, "aten.sub.Tensor"),
    "mul": (lambda a, b: a * b, "aten.mul.Tensor"),
    "true_div": (lambda a, b: a / b, "aten.div.Tensor"),
    "floor_div": (lambda a, b: a // b, "aten.div.Tensor_mode"),
    "trunc_div": (lambda a, b: torch.div(a, b, rounding_mode="trunc"), "aten.div.Tensor_mode"),
    "remainder": (lambda a, b: a % b, "aten.remainder.Tensor"),
    "fmod": (lambda a, b: torch.fmod(a, b), "aten.fmod.Tensor"),
    "maximum": (torch.maximum, "aten.maximum.default"),
    "lt": (torch.lt, "aten.lt.Tensor"),
    "add_float_scalar": (lambda a, b: a + 0.5, "aten.add.Tensor"),
    "mul_float_scalar": (lambda a, b: a * 2.0, "aten.mul.Tensor"),
    "lt_float_scalar": (lambda a, b: a < 2.5, "aten.lt.Scalar"),
    "floordiv_scalar": (lambda a, b: a // 3, "aten.div.Tensor_mode"),
    "remainder_scalar": (lambda a, b: a % 3, "aten.remainder.Scalar"),
    "int_plus_float": (lambda a, b: a + b.float() * 0.5, "aten.add.Tensor"),
    "where": (lambda a, b: torch.where(a > 0, a, b), "aten.where.self"),
    "where_promote": (lambda a, b: torch.where(a > 0, a, 0.5), "aten.where.self"),
    "masked_fill": (lambda a, b: a.masked_fill(b > 0, 7), "aten.where.self"),
}


@pytest.mark.parametrize("name", list(INT_OPS))
def test_int_operands(device, name):
    fn, overload = INT_OPS[name]
    a = torch.randint(-50, 50, (4, 37))  # int64 inputs cross as int32
    b = torch.randint(1, 9, (37,)) * torch.where(torch.rand(37) > 0.5, 1, -1)
    check(fn, [a, b], device, overload, exact=True, numerics="fast")


def test_int32_and_bool_arith(device):
    a = torch.randint(-50, 50, (4, 37), dtype=torch.int32)
    check(lambda a: (a * 3 + 1) // 2, [a], device, "aten.div.Tensor_mode", exact=True)
    torch._dynamo.reset()
    # bool * bool and max(bool, bool) are bool results; bool + float promotes.
    x = torch.randn(4, 37).to(torch.bfloat16).float()  # bf16-exact: comparisons agree with eager
    check(lambda x: ((x > 0) * (x < 1)) + (x > 0.5) * 1.5, [x], device, "aten.mul.Tensor", exact=True)
    torch._dynamo.reset()
    check(lambda x: torch.maximum(x > 0, x < -1), [x], device, "aten.maximum.default", exact=True)


# ---- what stays in torch ----------------------------------------------------------------------

def _not_lowered(fn, inputs, device, overload, reason_part):
    _, metrics = compile_and_check(fn, inputs, device, expect_lowered=False, exact=True)
    entry = metrics["aten_ops"][overload]
    assert not entry["lowered"], f"{overload} was lowered"
    assert reason_part in entry["reason"], entry["reason"]


def test_unsupported_stay_in_torch(device):
    a = torch.randint(-5, 5, (3, 8), dtype=torch.int32)
    _not_lowered(lambda t: t & 3, [a], device, "aten.bitwise_and.Scalar", "only bool tensors")
    torch._dynamo.reset()
    _not_lowered(lambda t: ~t, [a], device, "aten.bitwise_not.default", "only bool tensors")
    torch._dynamo.reset()
    _not_lowered(lambda t: t ** 3, [a], device, "aten.pow.Tensor_Scalar", "integer pow")
    torch._dynamo.reset()
    _not_lowered(lambda t: (t > 0) + (t < 2), [a], device, "aten.add.Tensor", "bool arithmetic")
    torch._dynamo.reset()
    x = torch.randn(3, 8)
    _not_lowered(lambda t: torch.ops.aten.elu(t, 1.0, 1.0, 2.0), [x], device, "aten.elu.default", "input_scale")


# ---- mesh -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mesh():
    # Devices 1 and 2 when there are enough, so the session's device 0 (conftest) can stay open.
    ids = [1, 2] if ttnn.get_num_devices() >= 3 else None
    m = ttnn.open_mesh_device(ttnn.MeshShape(1, 2), device_ids=ids)
    yield m
    ttnn.close_mesh_device(m)


@pytest.mark.parametrize("numerics", ["fast", "faithful"])
def test_eltwise_on_mesh(mesh, numerics):
    """The kernels run on a MeshDevice (values replicated), creation nodes included."""

    def fn(x, y, i):
        z = F.gelu(x) * torch.sigmoid(y) + 0.5
        z = torch.where(x > y, z, torch.clamp(y, -1, 1)) - torch.arange(37) * 0.01
        z = z + torch.full((37,), 0.25) + torch.full_like(x, 0.5) + i.float() / 3
        return z, (i // 2).to(torch.int32), torch.isnan(z)

    x, y = torch.randn(4, 37), torch.randn(37)
    i = torch.randint(-9, 9, (4, 37), dtype=torch.int32)
    compile_and_check(fn, [x, y, i], mesh, min_pcc=0.9999 if numerics == "fast" else 0.999, numerics=numerics,
                      data_parallel=2)


def test_float32_min_fill_stays_finite_in_bf16(device):
    """HF masks with torch.finfo(torch.float32).min; in bf16 that rounds to -inf, and a fully
    masked softmax row would be NaN. Scalars are packed saturating (tt-metal's bfloat16 helper),
    so the row stays uniform as in eager."""
    big = torch.finfo(torch.float32).min

    def fn(scores, mask):
        return torch.softmax(scores.masked_fill(mask, big), -1)

    scores = torch.randn(2, 4, 6)
    mask = torch.zeros(2, 4, 6, dtype=torch.bool)
    mask[:, 0] = True  # the first query sees nothing
    mask[:, 1, :3] = True
    got, _ = compile_and_check(fn, [scores, mask], device, min_pcc=0.999)
    assert torch.isfinite(got).all()
    torch.testing.assert_close(got[:, 0], torch.full((2, 6), 1 / 6), atol=1e-2, rtol=0)
