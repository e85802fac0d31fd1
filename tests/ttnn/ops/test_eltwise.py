"""Elementwise ops (the unary, binary and ternary rows of the op table) against torch.

Each op runs over dtype x layout x shape; the torch reference is computed in float32 on the inputs
as ttnn rounded them (ttnn.to_torch of the input) and rounded to the output dtype: float32 outputs
must match tightly, bfloat16 within 2 bf16 ulps, bfloat8_b with PCC >= 0.99 (and 99% of the
elements equal to the reference packed into bfloat8_b), integers exactly.
"""

import math

import pytest
import torch
import torch.nn.functional as F

import ttnn

RM = ttnn.ROW_MAJOR_LAYOUT
TILE = ttnn.TILE_LAYOUT
FLOAT_COMBOS = [
    (ttnn.bfloat16, RM),
    (ttnn.bfloat16, TILE),
    (ttnn.float32, RM),
    (ttnn.float32, TILE),
    (ttnn.bfloat8_b, TILE),
]
INT_COMBOS = [(ttnn.int32, RM), (ttnn.int32, TILE)]
SHAPES = [(7,), (33, 65), (2, 3, 40), (1, 2, 32, 64)]
# (shape a, shape b): equal, trailing-dim broadcast, middle dims, both sides, rank mismatch.
SHAPE_PAIRS = [
    ((33, 65), (33, 65)),
    ((2, 3, 40), (40,)),
    ((2, 3, 40), (2, 1, 40)),
    ((5, 1), (1, 70)),
    ((1, 2, 32, 64), (2, 32, 1)),
    ((64,), (3, 1, 64)),
]


def _name(v):
    return str(v).split(".")[-1]


def combo_id(c):
    return f"{_name(c[0])}-{_name(c[1])}"


def shape_id(s):
    return "x".join(map(str, s)) if isinstance(s[0], int) else "_".join(shape_id(p) for p in s)


# ---- inputs ------------------------------------------------------------------------------------

DOMAINS = {
    "any": lambda g, s: torch.randn(s, generator=g) * 3,
    "pos": lambda g, s: torch.rand(s, generator=g) * 9.9 + 0.1,
    "unit": lambda g, s: torch.rand(s, generator=g) * 1.9 - 0.95,
    "small": lambda g, s: torch.rand(s, generator=g) * 10 - 5,
    "nonzero": lambda g, s: (torch.rand(s, generator=g) * 4.9 + 0.1)
    * (torch.randint(0, 2, s, generator=g) * 2 - 1),
    "log1p": lambda g, s: torch.rand(s, generator=g) * 5.5 - 0.5,
    "tan": lambda g, s: torch.rand(s, generator=g) * 2.8 - 1.4,
    "exponent": lambda g, s: torch.rand(s, generator=g) * 4 - 2,
    "few": lambda g, s: torch.randint(-2, 3, s, generator=g).float(),
    "special": lambda g, s: _special(g, s),
    "int_big": lambda g, s: torch.randint(-(2**30), 2**30, s, generator=g, dtype=torch.int32),
    "int_small": lambda g, s: torch.randint(-1000, 1000, s, generator=g, dtype=torch.int32),
    "int_nonzero": lambda g, s: torch.randint(1, 1000, s, generator=g, dtype=torch.int32)
    * (torch.randint(0, 2, s, generator=g, dtype=torch.int32) * 2 - 1),
    "int_few": lambda g, s: torch.randint(-2, 3, s, generator=g, dtype=torch.int32),
}


def _special(g, s):
    x = torch.randn(s, generator=g) * 3
    flat = x.view(-1)
    for i, v in enumerate([math.inf, -math.inf, math.nan]):
        flat[i::7] = v
    return x


def make(device, domain, shape, dtype, layout, seed=0):
    """(ttnn tensor on the device, its values as ttnn holds them: float32 or int64)."""
    g = torch.Generator().manual_seed(seed)
    x = DOMAINS[domain](g, tuple(shape))
    t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)
    back = ttnn.to_torch(t)
    return t, (back.long() if not back.is_floating_point() else back.float())


# ---- checks ------------------------------------------------------------------------------------


def pcc(a, b):
    a, b = a.double().flatten(), b.double().flatten()
    keep = torch.isfinite(a) & torch.isfinite(b)
    a, b = a[keep], b[keep]
    if a.numel() < 2 or a.std() == 0 or b.std() == 0:
        return 1.0 if torch.allclose(a, b, atol=1e-2) else 0.0
    return torch.corrcoef(torch.stack([a, b]))[0, 1].item()


def _row_max(x):
    """max |x| over each run of 16 along the last dim (a block float's shared-exponent row)."""
    last = x.shape[-1] if x.dim() else 1
    pad = (-last) % 16
    rows = F.pad(x.abs().reshape(-1, last), (0, pad)).reshape(-1, (last + pad) // 16, 16)
    rows = torch.nan_to_num(rows, nan=0.0).amax(-1, keepdim=True).expand(-1, -1, 16)
    return rows.reshape(-1, last + pad)[:, :last].reshape(x.shape)


def bf16_ulp(x):
    mag = x.abs().clamp(min=2.0**-126)
    return torch.exp2(torch.floor(torch.log2(mag)) - 7)


def check(out, ref, dtype, *, layout=None, shape=None):
    """out: a ttnn tensor; ref: the float32 (or int64) reference before rounding to `dtype`."""
    assert out.dtype == dtype
    if layout is not None:
        assert out.layout == layout
    got = ttnn.to_torch(out)
    assert tuple(got.shape) == tuple(ref.shape if shape is None else shape)
    if dtype in (ttnn.int32, ttnn.uint32, ttnn.uint16, ttnn.uint8):
        assert torch.equal(got.long(), ref.long()), (got, ref)
        return
    got, ref = got.float(), ref.float()
    if dtype == ttnn.float32:
        torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-6, equal_nan=True)
    elif dtype == ttnn.bfloat16:
        want = ref.to(torch.bfloat16).float()
        nan = torch.isnan(want)
        assert torch.equal(nan, torch.isnan(got))
        inf = torch.isinf(want)
        assert torch.equal(got[inf], want[inf])
        fin = ~nan & ~inf
        diff = (got[fin] - want[fin]).abs()
        bad = diff > 2 * bf16_ulp(want[fin]) + 1e-6
        assert not bad.any(), f"{bad.sum()} elements beyond 2 bf16 ulps, max diff {diff.max()}"
    else:
        # Block floats: PCC, and the reference packed by ttnn's own codec must agree (PCC alone
        # would not catch a wrong scale). A float32 ulp apart can move a row's shared exponent,
        # so every element is allowed 2 codes of its 16-element row and most must be equal.
        assert pcc(got, ref) >= 0.99
        packed = ttnn.to_torch(ttnn.from_torch(ref, dtype=dtype, layout=ttnn.TILE_LAYOUT)).float()
        nan = torch.isnan(got) & torch.isnan(packed)
        diff = torch.where(nan, 0.0, (got - packed).abs())
        assert (diff <= 2.0**-5 * _row_max(ref)).all(), f"max diff {diff.max()}"
        assert (diff == 0).float().mean() >= 0.95, f"{(diff != 0).sum()} of {diff.numel()} elements differ"


# ---- unary -------------------------------------------------------------------------------------


def _flag(fn):
    return lambda x: fn(x).float()


# name: (torch reference, input domain)
UNARY = {
    "exp": (torch.exp, "small"),
    "exp2": (torch.exp2, "small"),
    "expm1": (torch.expm1, "small"),
    "log": (torch.log, "pos"),
    "log2": (torch.log2, "pos"),
    "log10": (torch.log10, "pos"),
    "log1p": (torch.log1p, "log1p"),
    "sqrt": (torch.sqrt, "pos"),
    "rsqrt": (torch.rsqrt, "pos"),
    "square": (torch.square, "any"),
    "reciprocal": (torch.reciprocal, "nonzero"),
    "relu": (torch.relu, "any"),
    "relu6": (F.relu6, "any"),
    "gelu": (F.gelu, "any"),
    "silu": (F.silu, "any"),
    "sigmoid": (torch.sigmoid, "any"),
    "tanh": (torch.tanh, "any"),
    "hardswish": (F.hardswish, "any"),
    "hardsigmoid": (F.hardsigmoid, "any"),
    "hardtanh": (F.hardtanh, "any"),
    "leaky_relu": (F.leaky_relu, "any"),
    "elu": (F.elu, "any"),
    "selu": (F.selu, "any"),
    "celu": (F.celu, "any"),
    "mish": (F.mish, "any"),
    "softplus": (F.softplus, "any"),
    "softsign": (F.softsign, "any"),
    "erf": (torch.erf, "any"),
    "erfc": (torch.erfc, "any"),
    "abs": (torch.abs, "any"),
    "neg": (torch.neg, "any"),
    "sign": (torch.sign, "any"),
    "floor": (torch.floor, "any"),
    "ceil": (torch.ceil, "any"),
    "round": (torch.round, "any"),
    "trunc": (torch.trunc, "any"),
    "sin": (torch.sin, "any"),
    "cos": (torch.cos, "any"),
    "tan": (torch.tan, "tan"),
    "asin": (torch.asin, "unit"),
    "acos": (torch.acos, "unit"),
    "atan": (torch.atan, "any"),
    "sinh": (torch.sinh, "small"),
    "cosh": (torch.cosh, "small"),
    "logical_not": (_flag(torch.logical_not), "few"),
    "isnan": (_flag(torch.isnan), "special"),
    "isinf": (_flag(torch.isinf), "special"),
    "isfinite": (_flag(torch.isfinite), "special"),
}


def test_unary_table_is_covered():
    rows = {r["name"] for r in ttnn.op_table() if r["family"] == "unary"}
    assert rows - {"clamp", "clip"} == set(UNARY)


def rotate(items, i, n):
    """n of items, starting at i: spreads shapes over dtype/layout combos so that every op still
    meets every shape (and every combo several shapes) at a fraction of the full product."""
    return [items[(i + j * len(items) // n) % len(items)] for j in range(n)]


UNARY_CASES = [
    pytest.param(name, *combo, shape, id=f"{name}-{combo_id(combo)}-{shape_id(shape)}")
    for name in sorted(UNARY)
    for i, combo in enumerate(FLOAT_COMBOS)
    for shape in rotate(SHAPES, i, 2)
]


@pytest.mark.parametrize("name, dtype, layout, shape", UNARY_CASES)
def test_unary(device, name, dtype, layout, shape):
    ref_fn, domain = UNARY[name]
    x, xv = make(device, domain, shape, dtype, layout)
    out = getattr(ttnn, name)(x)
    check(out, ref_fn(xv), dtype, layout=layout)


PARAM_CASES = [
    ("gelu_tanh", lambda x: ttnn.gelu(x, fast_and_approximate_mode=True), lambda v: F.gelu(v, approximate="tanh")),
    ("hardtanh", lambda x: ttnn.hardtanh(x, min_val=-0.5, max_val=2.0), lambda v: F.hardtanh(v, -0.5, 2.0)),
    ("hardtanh_pos", lambda x: ttnn.hardtanh(x, -2.0, 0.5), lambda v: F.hardtanh(v, -2.0, 0.5)),
    ("leaky_relu", lambda x: ttnn.leaky_relu(x, 0.2), lambda v: F.leaky_relu(v, 0.2)),
    ("leaky_relu_kw", lambda x: ttnn.leaky_relu(x, negative_slope=0.05), lambda v: F.leaky_relu(v, 0.05)),
    ("elu", lambda x: ttnn.elu(x, alpha=0.5), lambda v: F.elu(v, 0.5)),
    ("celu", lambda x: ttnn.celu(x, alpha=2.0), lambda v: F.celu(v, 2.0)),
    ("softplus", lambda x: ttnn.softplus(x, beta=2.0, threshold=5.0), lambda v: F.softplus(v, 2.0, 5.0)),
    ("round_1", lambda x: ttnn.round(x, decimals=1), lambda v: torch.round(v, decimals=1)),
    ("round_m1", lambda x: ttnn.round(x * 10.0, -1), lambda v: torch.round(v, decimals=-1)),
    ("clamp", lambda x: ttnn.clamp(x, -1.0, 2.0), lambda v: torch.clamp(v, -1.0, 2.0)),
    ("clamp_min", lambda x: ttnn.clamp(x, min=0.5), lambda v: torch.clamp(v, min=0.5)),
    ("clip_max", lambda x: ttnn.clip(x, max=-0.5), lambda v: torch.clamp(v, max=-0.5)),
    ("exp_fast", lambda x: ttnn.exp(x, fast_and_approximate_mode=True), torch.exp),
]


@pytest.mark.parametrize("combo", FLOAT_COMBOS, ids=combo_id)
@pytest.mark.parametrize("case", PARAM_CASES, ids=[c[0] for c in PARAM_CASES])
def test_unary_params(device, case, combo):
    dtype, layout = combo
    name, op, ref_fn = case
    x, xv = make(device, "small", (3, 33, 40), dtype, layout, seed=1)
    if name == "round_m1":
        # ttnn.round(x * 10) rounds the product to the dtype first: reference on those values.
        xv = ttnn.to_torch(x * 10.0).float()
    check(op(x), ref_fn(xv), dtype, layout=layout)


INT_UNARY = {
    "abs": torch.abs,
    "neg": torch.neg,
    "sign": torch.sign,
    "logical_not": lambda v: torch.logical_not(v).long(),
}


@pytest.mark.parametrize("shape", SHAPES[:3], ids=shape_id)
@pytest.mark.parametrize("combo", INT_COMBOS, ids=combo_id)
@pytest.mark.parametrize("name", sorted(INT_UNARY))
def test_unary_int(device, name, combo, shape):
    dtype, layout = combo
    x, xv = make(device, "int_big" if name != "logical_not" else "int_few", shape, dtype, layout)
    out = getattr(ttnn, name)(x)
    check(out, INT_UNARY[name](xv), dtype, layout=layout)


def test_int_neg_wraps(device):
    x = ttnn.from_torch(torch.tensor([-(2**31), 2**31 - 1, 0], dtype=torch.int32), device=device)
    assert ttnn.to_torch(ttnn.neg(x)).tolist() == [-(2**31), -(2**31) + 1, 0]
    assert ttnn.to_torch(ttnn.abs(x)).tolist() == [-(2**31), 2**31 - 1, 0]


@pytest.mark.parametrize("combo", INT_COMBOS, ids=combo_id)
def test_clamp_int_exact(device, combo):
    dtype, layout = combo
    x, xv = make(device, "int_big", (5, 40), dtype, layout)
    lo, hi = -(2**29) - 3, 2**29 + 7
    check(ttnn.clamp(x, lo, hi), torch.clamp(xv, lo, hi), dtype, layout=layout)
    check(ttnn.clamp(x, min=float(lo)), torch.clamp(xv, min=lo), dtype)
    m, mv = make(device, "int_big", (1, 40), dtype, layout, seed=3)
    check(ttnn.clamp(x, min=m), torch.maximum(xv, mv), dtype)


@pytest.mark.parametrize("combo", FLOAT_COMBOS, ids=combo_id)
def test_clamp_tensor_bounds(device, combo):
    dtype, layout = combo
    x, xv = make(device, "any", (2, 33, 40), dtype, layout)
    lo, lov = make(device, "small", (33, 1), dtype, layout, seed=1)
    hi, hiv = make(device, "pos", (40,), dtype, layout, seed=2)
    check(ttnn.clamp(x, lo, hi), torch.clamp(xv, lov, hiv), dtype, layout=layout)
    check(ttnn.clamp(x, max=hi), torch.clamp(xv, max=hiv), dtype)
    check(ttnn.clamp(x, min=lo, max=3.0), torch.clamp(xv, min=lov, max=torch.tensor(3.0)), dtype)


# ---- binary ------------------------------------------------------------------------------------


def _cmp(fn):
    return lambda a, b: fn(a, b).to(a.dtype)


# name: (torch reference, domain a, domain b, integer domains or None for float-only ops)
BINARY = {
    "add": (torch.add, "any", "any", ("int_big", "int_big")),
    "subtract": (torch.sub, "any", "any", ("int_big", "int_big")),
    "multiply": (torch.mul, "any", "any", ("int_small", "int_small")),
    "divide": (torch.div, "any", "nonzero", ("int_big", "int_nonzero")),
    "maximum": (torch.maximum, "any", "any", ("int_big", "int_big")),
    "minimum": (torch.minimum, "any", "any", ("int_big", "int_big")),
    "pow": (torch.pow, "pos", "exponent", None),
    "remainder": (torch.remainder, "any", "nonzero", ("int_big", "int_nonzero")),
    "fmod": (torch.fmod, "any", "nonzero", ("int_big", "int_nonzero")),
    "atan2": (torch.atan2, "any", "any", None),
    "squared_difference": (lambda a, b: (a - b) ** 2, "any", "any", None),
    "eq": (_cmp(torch.eq), "few", "few", ("int_few", "int_few")),
    "ne": (_cmp(torch.ne), "few", "few", ("int_few", "int_few")),
    "lt": (_cmp(torch.lt), "few", "few", ("int_big", "int_big")),
    "le": (_cmp(torch.le), "few", "few", ("int_few", "int_few")),
    "gt": (_cmp(torch.gt), "few", "few", ("int_big", "int_big")),
    "ge": (_cmp(torch.ge), "few", "few", ("int_few", "int_few")),
    "logical_and": (_cmp(torch.logical_and), "few", "few", ("int_few", "int_few")),
    "logical_or": (_cmp(torch.logical_or), "few", "few", ("int_few", "int_few")),
    "logical_xor": (_cmp(torch.logical_xor), "few", "few", ("int_few", "int_few")),
}


def test_binary_table_is_covered():
    rows = {r["name"] for r in ttnn.op_table() if r["family"] == "binary"}
    assert rows == set(BINARY)


def _binary_ref(name, av, bv):
    fn = BINARY[name][0]
    if not av.is_floating_point() and name == "divide":
        return (av.double() / bv.double()).float()
    if not av.is_floating_point():
        # torch's int32 arithmetic wraps like the hardware's; int64 would not.
        return fn(av.int(), bv.int()).long()
    return fn(av, bv)


def _binary_combos(name):
    """dtype/layout combos of an op: integer ones only for the ops that take integers."""
    return FLOAT_COMBOS + (INT_COMBOS if BINARY[name][3] else [])


BINARY_CASES = [
    pytest.param(name, *combo, id=f"{name}-{combo_id(combo)}")
    for name in sorted(BINARY)
    for combo in _binary_combos(name)
]
BINARY_SHAPE_CASES = [
    pytest.param(name, *combo, shapes, id=f"{name}-{combo_id(combo)}-{shape_id(shapes)}")
    for name in sorted(BINARY)
    for i, combo in enumerate(_binary_combos(name))
    for shapes in rotate(SHAPE_PAIRS, i, 3)
]


@pytest.mark.parametrize("name, dtype, layout, shapes", BINARY_SHAPE_CASES)
def test_binary(device, name, dtype, layout, shapes):
    _, da, db, int_domains = BINARY[name]
    if dtype == ttnn.int32:
        da, db = int_domains
    a, av = make(device, da, shapes[0], dtype, layout, seed=1)
    b, bv = make(device, db, shapes[1], dtype, layout, seed=2)
    out = getattr(ttnn, name)(a, b)
    out_dtype = ttnn.float32 if (dtype == ttnn.int32 and name == "divide") else dtype
    check(out, _binary_ref(name, av, bv), out_dtype, layout=layout)


SCALARS = {"add": 2.5, "subtract": -1.25, "multiply": 3.0, "divide": 4.0, "maximum": 0.5, "minimum": 0.5,
           "pow": 2.0, "remainder": 1.5, "fmod": -1.5, "atan2": 0.7, "squared_difference": 1.0,
           "eq": 1.0, "ne": 1.0, "lt": 0.0, "le": 0.0, "gt": 1.0, "ge": 1.0,
           "logical_and": 1.0, "logical_or": 0.0, "logical_xor": 2.0}


@pytest.mark.parametrize("name, dtype, layout", BINARY_CASES)
def test_binary_scalar(device, name, dtype, layout):
    _, da, _, int_domains = BINARY[name]
    scalar = SCALARS[name]
    if dtype == ttnn.int32:
        da = int_domains[0]
        scalar = int(scalar) or 3
    a, av = make(device, da, (3, 40, 33), dtype, layout)
    out = getattr(ttnn, name)(a, scalar)
    out_dtype = ttnn.float32 if (dtype == ttnn.int32 and name == "divide") else dtype
    ref = _binary_ref(name, av, torch.full_like(av, scalar))
    check(out, ref, out_dtype, layout=layout)


def test_int32_exact_beyond_2_24(device):
    big = 2**24 + 1
    a = ttnn.from_torch(torch.tensor([big, -big, 2**31 - 2], dtype=torch.int32), device=device)
    assert ttnn.to_torch(a + 1).tolist() == [big + 1, -big + 1, 2**31 - 1]
    assert ttnn.to_torch(a + 2).tolist()[2] == -(2**31)  # wraps like int32
    assert ttnn.to_torch(ttnn.eq(a, big)).tolist() == [1, 0, 0]
    assert ttnn.to_torch(ttnn.maximum(a, big + 1)).tolist() == [big + 1, big + 1, 2**31 - 2]
    b = ttnn.from_torch(torch.tensor([big + 1, big, 0], dtype=torch.int32), device=device)
    assert ttnn.to_torch(ttnn.subtract(a, b)).tolist() == [-1, -2 * big, 2**31 - 2]


def test_binary_output_dtype(device):
    a, av = make(device, "any", (4, 40), ttnn.bfloat16, TILE)
    b, bv = make(device, "any", (4, 40), ttnn.bfloat16, TILE, seed=5)
    check(ttnn.add(a, b, dtype=ttnn.float32), av + bv, ttnn.float32)
    check(ttnn.gt(a, b, dtype=ttnn.uint8), (av > bv).long(), ttnn.uint8)
    c, cv = make(device, "any", (4, 40), ttnn.float32, TILE, seed=6)
    check(ttnn.multiply(a, c), av * cv, ttnn.bfloat16)  # the first operand's dtype
    i, iv = make(device, "int_small", (4, 40), ttnn.int32, RM)
    check(ttnn.divide(i, 7, dtype=ttnn.bfloat16), iv.double() / 7, ttnn.bfloat16)


def test_scalar_first_operand(device):
    a, av = make(device, "nonzero", (3, 50), ttnn.float32, RM)
    check(ttnn.subtract(1.0, a), 1.0 - av, ttnn.float32)
    check(ttnn.divide(2, a), 2 / av, ttnn.float32)
    p, pv = make(device, "exponent", (3, 50), ttnn.float32, TILE)
    check(ttnn.pow(2.0, p), torch.pow(2.0, pv), ttnn.float32)
    check(ttnn.pow(p, 3), torch.pow(pv, 3), ttnn.float32)


@pytest.mark.parametrize("combo", FLOAT_COMBOS, ids=combo_id)
def test_activations(device, combo):
    dtype, layout = combo
    a, av = make(device, "any", (2, 33, 40), dtype, layout)
    b, bv = make(device, "any", (33, 40), dtype, layout, seed=4)
    check(ttnn.add(a, b, activations=["relu"]), torch.relu(av + bv), dtype)
    act = ttnn.UnaryWithParam(ttnn.UnaryOpType.LEAKY_RELU, 0.1)
    check(ttnn.multiply(a, b, activations=[act]), F.leaky_relu(av * bv, 0.1), dtype)
    check(ttnn.subtract(a, 1.0, activations=[ttnn.UnaryOpType.SILU]), F.silu(av - 1.0), dtype)


def test_operators(device):
    a, av = make(device, "nonzero", (2, 40, 33), ttnn.float32, TILE)
    b, bv = make(device, "nonzero", (40, 1), ttnn.float32, TILE, seed=3)
    f32 = ttnn.float32
    check(a + b, av + bv, f32)
    check(a - b, av - bv, f32)
    check(a * b, av * bv, f32)
    check(a / b, av / bv, f32)
    check(-a, -av, f32)
    check(abs(a), av.abs(), f32)
    check(a + 1, av + 1, f32)
    check(2.0 + a, 2.0 + av, f32)
    check(1 - a, 1 - av, f32)
    check(3 * a, 3 * av, f32)
    check(1.0 / a, 1.0 / av, f32)
    check(a**2, av**2, f32)
    check(a % 1.5, torch.remainder(av, 1.5), f32)
    for op in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
        check(getattr(a, op)(b), getattr(av, op)(bv).float(), f32)
    check(a > 0.5, (av > 0.5).float(), f32)
    assert hash(a) == hash(a)


# ---- ternary -----------------------------------------------------------------------------------

WHERE_SHAPES = [
    ((33, 65), (33, 65), (33, 65)),
    ((2, 3, 40), (40,), (3, 1)),
    ((1, 40), (5, 1, 40), (40,)),
]


@pytest.mark.parametrize("shapes", WHERE_SHAPES, ids=shape_id)
@pytest.mark.parametrize("combo", FLOAT_COMBOS + INT_COMBOS, ids=combo_id)
def test_where(device, combo, shapes):
    dtype, layout = combo
    is_int = dtype == ttnn.int32
    c, cv = make(device, "int_few" if is_int else "few", shapes[0], dtype, layout)
    t, tv = make(device, "int_big" if is_int else "any", shapes[1], dtype, layout, seed=1)
    f, fv = make(device, "int_big" if is_int else "any", shapes[2], dtype, layout, seed=2)
    check(ttnn.where(c, t, f), torch.where(cv != 0, tv, fv), dtype, layout=layout)
    check(ttnn.where(c, t, 7), torch.where(cv != 0, tv, torch.tensor(7).to(tv.dtype)), dtype)
    check(ttnn.where(c, -3, f), torch.where(cv != 0, torch.tensor(-3).to(fv.dtype), fv), dtype)


def test_where_mixed(device):
    c, cv = make(device, "few", (4, 40), ttnn.bfloat16, TILE)
    t, tv = make(device, "any", (4, 40), ttnn.float32, RM, seed=1)
    check(ttnn.where(c, t, 0.5), torch.where(cv != 0, tv, torch.tensor(0.5)), ttnn.float32, layout=RM)
    check(ttnn.where(c, 1.0, 0.0), (cv != 0).float(), ttnn.bfloat16, layout=TILE)
    i, iv = make(device, "int_big", (4, 40), ttnn.int32, RM, seed=2)
    check(ttnn.where(c, i, 0), torch.where(cv != 0, iv, 0), ttnn.int32)


# ---- errors ------------------------------------------------------------------------------------


def test_errors(device):
    a = ttnn.from_torch(torch.randn(3, 4), dtype=ttnn.bfloat16, device=device)
    b = ttnn.from_torch(torch.randn(5), dtype=ttnn.bfloat16, device=device)
    with pytest.raises(ValueError, match=r"ttnn\.add: .*\[3, 4\].*\[5\].*broadcast"):
        ttnn.add(a, b)
    with pytest.raises(ValueError, match=r"ttnn\.where: .*broadcast"):
        ttnn.where(a, b, 1.0)
    with pytest.raises(ValueError, match=r"ttnn\.clamp: .*\[3, 4\].*\[5\]"):
        ttnn.clamp(a, b, None)
    i = ttnn.from_torch(torch.ones(3, 4, dtype=torch.int32), device=device)
    with pytest.raises(ValueError, match=r"ttnn\.exp: input_tensor has dtype INT32.*supported: BFLOAT16"):
        ttnn.exp(i)
    with pytest.raises(ValueError, match=r"ttnn\.pow: input_tensor_b has dtype INT32"):
        ttnn.pow(a, i)
    host = ttnn.from_torch(torch.randn(3, 4), dtype=ttnn.bfloat16)
    with pytest.raises(ValueError, match=r"ttnn\.relu: input_tensor is on the host"):
        ttnn.relu(host)
    with pytest.raises(ValueError, match=r"ttnn\.multiply: input_tensor_b is on the host"):
        ttnn.multiply(a, host)
    with pytest.raises(ValueError, match=r"ttnn\.clamp: at least one of min and max"):
        ttnn.clamp(a)
    with pytest.raises(ValueError, match=r"ttnn\.remainder: integer division by zero"):
        ttnn.remainder(i, 0)
    with pytest.raises(ValueError, match=r"ttnn\.add: unsupported activation 'bogus'"):
        ttnn.add(a, a, activations=["bogus"])
    with pytest.raises(TypeError):
        ttnn.add(1.0, 2.0)
    with pytest.raises(TypeError):
        ttnn.add(a, "x")
    c = ttnn.from_torch(torch.randn(3, 4), dtype=ttnn.bfloat16, device=device)
    ttnn.deallocate(c)
    with pytest.raises(RuntimeError, match=r"ttnn\.sigmoid"):
        ttnn.sigmoid(c)
    with pytest.raises(RuntimeError, match=r"ttnn\.add"):
        ttnn.add(a, c)


# ---- mesh --------------------------------------------------------------------------------------


def test_mesh(mesh_device):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 33, 40, generator=g)
    y = torch.randn(33, 1, generator=g)
    shard = ttnn.ShardTensorToMesh(mesh_device, dim=0)
    a = ttnn.from_torch(x, dtype=ttnn.float32, layout=TILE, device=mesh_device, mesh_mapper=shard)
    b = ttnn.from_torch(y, dtype=ttnn.float32, layout=TILE, device=mesh_device)  # replicated
    compose = ttnn.ConcatMeshToTensor(mesh_device, dim=0)

    out = ttnn.add(a, b)
    assert out.num_shards() == 2
    torch.testing.assert_close(ttnn.to_torch(out, mesh_composer=compose), x + y)
    torch.testing.assert_close(ttnn.to_torch(ttnn.exp(a), mesh_composer=compose), torch.exp(x))
    torch.testing.assert_close(ttnn.to_torch(a * 2.0, mesh_composer=compose), x * 2)
    got = ttnn.to_torch(ttnn.where(a > 0, a, b), mesh_composer=compose)
    torch.testing.assert_close(got, torch.where(x > 0, x, y))
    got = ttnn.to_torch(ttnn.clamp(a, min=b, max=1.0), mesh_composer=compose)
    torch.testing.assert_close(got, torch.clamp(torch.maximum(x, y), max=1.0))
    i = ttnn.from_torch(torch.arange(8, dtype=torch.int32).reshape(2, 4), device=mesh_device, mesh_mapper=shard)
    got = ttnn.to_torch(ttnn.neg(i), mesh_composer=compose)
    assert torch.equal(got, -torch.arange(8, dtype=torch.int32).reshape(2, 4))


@pytest.mark.parametrize("layout", [RM, TILE], ids=["rm", "tile"])
def test_exp_limits(device, layout):
    """The vectorized exp keeps e^x's limits: inf above the float range, 0 below it, NaN through."""
    x = torch.tensor([float("inf"), -float("inf"), float("nan"), 88.5, 88.8, -87.0, -120.0, 0.0, 1.0, -1.0])
    got = ttnn.to_torch(ttnn.exp(ttnn.from_torch(x, dtype=ttnn.float32, layout=layout, device=device)))
    want = torch.exp(x)
    want[want.abs() < 1.2e-38] = 0.0  # denormal results are flushed
    torch.testing.assert_close(got, want, rtol=2e-7, atol=0.0, equal_nan=True)


@pytest.mark.parametrize("exponent", [2.0, 3.0, 2.5, -1.0])
@pytest.mark.parametrize("combo", FLOAT_COMBOS[:4], ids=combo_id)
def test_pow_scalar_exponents(device, combo, exponent):
    """x ** 2 and x ** 3 multiply (a fast path); other exponents call pow: both match torch."""
    dtype, layout = combo
    x = torch.rand(33, 65) * 4 + 0.25
    t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)
    got = ttnn.to_torch(ttnn.pow(t, exponent)).float()
    want = (ttnn.to_torch(t).float() ** exponent).to(got.dtype if dtype == ttnn.float32 else torch.bfloat16).float()
    tol = dict(rtol=1e-6, atol=0.0) if dtype == ttnn.float32 else dict(rtol=2 ** -7, atol=0.0)
    torch.testing.assert_close(got, want, **tol)
