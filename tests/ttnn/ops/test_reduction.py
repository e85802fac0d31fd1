"""Reduction ops against torch on the same rounded inputs (torch computed from to_torch(input)).

float32: allclose to a float64 reference, with a tolerance that scales with the magnitudes summed.
bfloat16: PCC >= 0.999 and within bf16 rounding of the reference. bfloat8_b: PCC >= 0.99.
int32: exact (integer reductions are exact, wrapped to int32 like the device's integer units).
"""

import pytest
import torch

import ttnn

RM = ttnn.ROW_MAJOR_LAYOUT
TILE = ttnn.TILE_LAYOUT

FLOAT_COMBOS = [
    (ttnn.float32, RM),
    (ttnn.float32, TILE),
    (ttnn.bfloat16, RM),
    (ttnn.bfloat16, TILE),
    (ttnn.bfloat8_b, TILE),
]
INT_COMBOS = [(ttnn.int32, RM), (ttnn.int32, TILE)]

# Not multiples of 32, crossing tile edges.
SHAPES = {2: (37, 45), 3: (3, 33, 70), 4: (2, 3, 19, 40)}
# Dims per rank: ints (negative too), lists, and None (all).
DIMS = {
    2: [None, -1, 0, [0, 1]],
    3: [None, -1, 1, 0, [0, 2], [-2, -1]],
    4: [None, -1, 2, 0, [1, 3], [0, -1], [0, 1, 2]],
}


def _name(v):
    return str(v).split(".")[-1]


def combo_id(c):
    return f"{_name(c[0])}-{_name(c[1])}"


def make(shape, dtype, seed=0, low=None, high=None):
    g = torch.Generator().manual_seed(seed)
    if dtype == ttnn.int32:
        return torch.randint(
            -1000 if low is None else low,
            1000 if high is None else high,
            shape,
            generator=g,
            dtype=torch.int32,
        )
    if low is not None:
        return torch.rand(shape, generator=g) * (high - low) + low
    return torch.randn(shape, generator=g) * 3


def put(x, dtype, layout, device):
    t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)
    return t, ttnn.to_torch(t)  # the device tensor and the values it holds


def rounded(x, dtype, layout):
    """x as dtype holds it (host round trip)."""
    return ttnn.to_torch(ttnn.from_torch(x, dtype=dtype, layout=layout))


def pcc(a, b):
    a, b = a.double().flatten(), b.double().flatten()
    if a.numel() < 2 or torch.equal(a, b):
        return 1.0
    return torch.corrcoef(torch.stack([a, b]))[0, 1].item()


def check_float(got, ref, dtype, scale, rel=1e-5, check_pcc=True):
    """got (ttnn output as torch) against a float64 reference; scale: magnitude of what was combined.

    PCC is checked where it measures the op: outputs whose spread is well above the output dtype's
    rounding step (not a few variances of similar samples, not products of values near 1)."""
    assert tuple(got.shape) == tuple(ref.shape), (tuple(got.shape), tuple(ref.shape))
    got, ref, scale = got.double(), ref.double(), scale.double()
    assert torch.equal(torch.isnan(got), torch.isnan(ref)) and torch.equal(
        torch.isinf(got), torch.isinf(ref)
    )
    finite = torch.isfinite(ref)
    got, ref, scale = (
        got[finite],
        ref[finite],
        scale.expand_as(finite)[finite] if scale.dim() else scale,
    )
    if ref.numel() == 0:
        return
    diff = (got - ref).abs()
    step = 2.0**-8 if dtype == ttnn.bfloat16 else 2.0**-5  # relative rounding step of the output
    check_pcc = (
        check_pcc and ref.numel() >= 8 and ref.std().item() > 16 * step * ref.abs().mean().item()
    )
    if dtype == ttnn.float32:
        bound = rel * ref.abs() + 1e-6 * scale + 1e-30
    elif dtype == ttnn.bfloat16:
        bound = 2.0**-8 * ref.abs() + 1e-5 * scale + 1e-30
    else:  # block float: a step of the shared exponent's block; the largest block bounds it
        bound = 2.0**-6 * ref.abs().max() + 1e-5 * scale + 1e-30
        assert not check_pcc or pcc(got, ref) >= 0.99
    bad = diff > bound
    assert not bad.any(), f"{bad.sum().item()} of {bad.numel()} off; max diff {diff.max().item()}"
    if dtype == ttnn.bfloat16 and check_pcc:
        assert pcc(got, ref) >= 0.999


def torch_dim(dim, rank):
    return list(range(rank)) if dim is None else dim


# ---- sum, mean, max, min, prod ----


def reference(name, x, dim, keepdim):
    rank = x.dim()
    d = torch_dim(dim, rank)
    if name == "sum":
        return x.sum(d, keepdim=keepdim), x.abs().sum(d, keepdim=keepdim)
    if name == "mean":
        n = x.numel() // max(1, x.sum(d, keepdim=True).numel())
        return x.mean(d, keepdim=keepdim), x.abs().sum(d, keepdim=keepdim) / n
    if name == "max":
        r = x.amax(d, keepdim=keepdim)
        return r, r.abs()
    if name == "min":
        r = x.amin(d, keepdim=keepdim)
        return r, r.abs()
    if name == "prod":
        r = x
        for k in sorted([v % rank for v in (d if isinstance(d, list) else [d])], reverse=True):
            r = r.prod(k, keepdim=keepdim) if keepdim else r.prod(k)
        return r, r.abs()
    raise AssertionError(name)


@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", FLOAT_COMBOS, ids=combo_id)
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod"])
def test_reduce_float(device, name, combo, rank):
    dtype, layout = combo
    shape = SHAPES[rank]
    x = (
        make(shape, dtype, seed=rank)
        if name != "prod"
        else make(shape, dtype, seed=rank, low=0.97, high=1.03)
    )
    t, xr = put(x, dtype, layout, device)
    xr = xr.double()
    for dim in DIMS[rank]:
        for keepdim in (False, True):
            out = getattr(ttnn, name)(t, dim=dim, keepdim=keepdim)
            assert out.dtype == dtype and out.layout == layout
            ref, scale = reference(name, xr, dim, keepdim)
            check_float(
                ttnn.to_torch(out),
                ref,
                dtype,
                scale,
                rel=1e-5 if name != "prod" else 1e-4,
                check_pcc=name != "prod",
            )


@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", INT_COMBOS, ids=combo_id)
@pytest.mark.parametrize("name", ["sum", "max", "min", "prod"])
def test_reduce_int(device, name, combo, rank):
    dtype, layout = combo
    shape = SHAPES[rank]
    x = (
        make(shape, dtype, seed=rank)
        if name != "prod"
        else make(shape, dtype, seed=rank, low=-1, high=3)
    )
    t, xr = put(x, dtype, layout, device)
    for dim in DIMS[rank]:
        for keepdim in (False, True):
            out = getattr(ttnn, name)(t, dim=dim, keepdim=keepdim)
            assert out.dtype == dtype and out.layout == layout
            ref, _ = reference(name, xr.long(), dim, keepdim)
            ref = ref.to(
                torch.int32
            )  # int64 result wrapped to int32, as the device's int32 units wrap
            assert torch.equal(ttnn.to_torch(out), ref), (dim, keepdim)


def test_int32_sum_is_exact_beyond_float(device):
    x = torch.full((3, 40), 2**24 + 1, dtype=torch.int32)
    t, _ = put(x, ttnn.int32, TILE, device)
    assert torch.equal(
        ttnn.to_torch(ttnn.sum(t, dim=-1)), torch.full((3,), 40 * (2**24 + 1), dtype=torch.int32)
    )
    assert torch.equal(ttnn.to_torch(ttnn.max(t, dim=0)), x[0])


def test_sum_long_rows_and_columns(device):
    # Few long rows (split into segments) and a long reduced dim over columns: float32 stays accurate.
    x = torch.rand(2, 300_000) + 1.0
    t, xr = put(x, ttnn.float32, RM, device)
    check_float(
        ttnn.to_torch(ttnn.sum(t, dim=-1)),
        xr.double().sum(-1),
        ttnn.float32,
        xr.double().abs().sum(-1),
    )
    y = torch.rand(100_000, 6) + 1.0
    t, yr = put(y, ttnn.float32, RM, device)
    check_float(
        ttnn.to_torch(ttnn.sum(t, dim=0)),
        yr.double().sum(0),
        ttnn.float32,
        yr.double().abs().sum(0),
    )
    check_float(
        ttnn.to_torch(ttnn.mean(t)), yr.double().mean(), ttnn.float32, yr.double().abs().mean()
    )
    assert ttnn.to_torch(ttnn.max(t)).item() == yr.max().item()


def test_scalar_and_nan(device):
    x = make((5, 40), ttnn.float32)
    t, xr = put(x, ttnn.float32, TILE, device)
    got = ttnn.to_torch(ttnn.sum(t, dim=1, scalar=0.5))
    torch.testing.assert_close(got, xr.sum(1) * 0.5, rtol=1e-5, atol=1e-5)
    x[2, 7] = float("nan")
    t, xr = put(x, ttnn.float32, RM, device)
    for name, ref in (("max", xr.amax(1)), ("min", xr.amin(1)), ("sum", xr.sum(1))):
        got = ttnn.to_torch(getattr(ttnn, name)(t, dim=1))
        assert torch.isnan(got[2]) and not torch.isnan(got[[0, 1, 3, 4]]).any(), name
        torch.testing.assert_close(got[[0, 1, 3, 4]], ref[[0, 1, 3, 4]], rtol=1e-5, atol=1e-5)


# ---- var, std ----


@pytest.mark.filterwarnings(
    "ignore:.*degrees of freedom"
)  # correction=2 over a dim of 2: torch warns, gives inf
@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", FLOAT_COMBOS, ids=combo_id)
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std(device, name, combo, rank):
    dtype, layout = combo
    shape = SHAPES[rank]
    x = (
        make(shape, dtype, seed=10 + rank) + 5.0
    )  # an offset: the two-pass statistics must not cancel
    t, xr = put(x, dtype, layout, device)
    xr = xr.double()
    for dim in DIMS[rank]:
        for keepdim, correction in ((False, True), (True, False), (False, 2)):
            out = getattr(ttnn, name)(t, dim=dim, keepdim=keepdim, correction=correction)
            c = int(correction)
            ref = getattr(torch, name)(xr, torch_dim(dim, rank), keepdim=keepdim, correction=c)
            check_float(ttnn.to_torch(out), ref, dtype, ref.abs())


# ---- argmax, argmin ----


@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", FLOAT_COMBOS + INT_COMBOS, ids=combo_id)
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_reduce(device, name, combo, rank):
    dtype, layout = combo
    shape = SHAPES[rank]
    x = make(shape, dtype, seed=20 + rank)
    t, xr = put(x, dtype, layout, device)
    for dim in [None, -1, 0, 1]:
        for keepdim in (False, True):
            out = getattr(ttnn, name)(t, dim=dim, keepdim=keepdim)
            assert out.dtype == ttnn.uint32 and out.layout == RM
            if dim is None:
                ref = getattr(torch, name)(xr.flatten())
                if keepdim:
                    ref = ref.reshape([1] * rank)
            else:
                ref = getattr(torch, name)(xr, dim=dim, keepdim=keepdim)
            got = ttnn.to_torch(out)
            assert tuple(got.shape) == tuple(ref.shape)
            assert torch.equal(got.long(), ref), (
                dim,
                keepdim,
            )  # torch (CPU) picks the first extreme too


def test_argmax_ties_and_nan(device):
    x = torch.zeros(4, 70)
    x[1, 5] = x[1, 50] = 3.0  # tie: the first wins
    x[2, 9] = float("nan")
    x[2, 60] = 5.0  # NaN counts as the max
    t, _ = put(x, ttnn.float32, TILE, device)
    assert ttnn.to_torch(ttnn.argmax(t, dim=1)).tolist() == [0, 5, 9, 0]
    assert ttnn.to_torch(ttnn.argmin(t, dim=1)).tolist() == [0, 0, 9, 0]
    big = torch.zeros(1_000_000)
    big[777_777] = 1.0
    t, _ = put(big, ttnn.float32, RM, device)
    assert ttnn.to_torch(ttnn.argmax(t)).item() == 777_777


# ---- topk ----


@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", FLOAT_COMBOS, ids=combo_id)
def test_topk(device, combo, rank):
    dtype, layout = combo
    shape = SHAPES[rank]
    x = make(shape, dtype, seed=30 + rank)
    t, xr = put(x, dtype, layout, device)
    for dim, k, largest in (
        (-1, 5, True),
        (-1, 1, False),
        (0, min(2, shape[0]), True),
        (1, 3, False),
    ):
        values, indices = ttnn.topk(t, k, dim=dim, largest=largest, sorted=True)
        assert values.dtype == dtype and values.layout == layout
        assert indices.dtype == ttnn.uint16
        ref_values, _ = torch.topk(xr, k, dim=dim, largest=largest, sorted=True)
        got_values, got_indices = ttnn.to_torch(values), ttnn.to_torch(indices).long()
        # Block floats are re-packed: the selected values share exponents with new neighbours.
        assert torch.equal(got_values, rounded(ref_values, dtype, layout))
        assert torch.equal(rounded(torch.gather(xr, dim, got_indices), dtype, layout), got_values)


def test_topk_long_dim_uses_uint32(device):
    x = torch.randn(1, 70_000)
    t, xr = put(x, ttnn.float32, RM, device)
    values, indices = ttnn.topk(t, 4)
    assert indices.dtype == ttnn.uint32
    ref_values, ref_indices = torch.topk(xr, 4)
    assert torch.equal(ttnn.to_torch(values), ref_values)
    assert torch.equal(ttnn.to_torch(indices).long(), ref_indices)


# ---- cumsum, cumprod ----


@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", FLOAT_COMBOS + INT_COMBOS, ids=combo_id)
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative(device, name, combo, rank):
    dtype, layout = combo
    shape = SHAPES[rank]
    if name == "cumprod":
        x = (
            make(shape, dtype, seed=40 + rank, low=-1, high=3)
            if dtype == ttnn.int32
            else make(shape, dtype, seed=40 + rank, low=0.97, high=1.03)
        )
    else:
        x = make(shape, dtype, seed=40 + rank)
    t, xr = put(x, dtype, layout, device)
    for dim in range(-rank, rank):
        out = getattr(ttnn, name)(t, dim)
        assert out.dtype == dtype and out.layout == layout
        if dtype == ttnn.int32:
            ref = getattr(torch, name)(xr.long(), dim).to(torch.int32)
            assert torch.equal(ttnn.to_torch(out), ref), dim
        else:
            ref = getattr(torch, name)(xr.double(), dim)
            scale = torch.cumsum(xr.double().abs(), dim) if name == "cumsum" else ref.abs()
            check_float(
                ttnn.to_torch(out),
                ref,
                dtype,
                scale,
                rel=1e-5 if name == "cumsum" else 1e-4,
                check_pcc=name == "cumsum",
            )


def test_cumsum_options(device):
    x = make((3, 50), ttnn.int32, low=0, high=10)
    t, xr = put(x, ttnn.int32, RM, device)
    out = ttnn.cumsum(t, 1, dtype=ttnn.float32)
    assert out.dtype == ttnn.float32
    assert torch.equal(ttnn.to_torch(out), torch.cumsum(xr, 1).float())
    rev = ttnn.to_torch(ttnn.cumsum(t, -1, reverse_order=True))
    assert torch.equal(rev, torch.flip(torch.cumsum(torch.flip(xr, [1]), 1), [1]).to(torch.int32))
    long = torch.rand(2, 400_000)  # few long rows: scanned in segments
    t, lr = put(long, ttnn.float32, RM, device)
    ref = torch.cumsum(lr.double(), 1)
    check_float(ttnn.to_torch(ttnn.cumsum(t, 1)), ref, ttnn.float32, ref.abs(), rel=1e-4)


# ---- errors ----


def test_errors(device):
    t, _ = put(make((4, 40), ttnn.float32), ttnn.float32, TILE, device)
    with pytest.raises(ValueError, match=r"ttnn\.sum.*dim=2"):
        ttnn.sum(t, dim=2)
    with pytest.raises(ValueError, match=r"ttnn\.max.*dim=-3"):
        ttnn.max(t, dim=[0, -3])
    with pytest.raises(ValueError, match=r"ttnn\.mean.*dim=-1 appears more than once"):
        ttnn.mean(t, dim=[1, -1])
    with pytest.raises(ValueError, match=r"ttnn\.argmax.*dim=5"):
        ttnn.argmax(t, dim=5)
    with pytest.raises(ValueError, match=r"ttnn\.topk.*k=41"):
        ttnn.topk(t, 41)
    with pytest.raises(ValueError, match=r"ttnn\.cumsum.*dim=-3"):
        ttnn.cumsum(t, -3)
    i, _ = put(make((4, 40), ttnn.int32), ttnn.int32, RM, device)
    for op in (ttnn.mean, ttnn.var, ttnn.std):
        with pytest.raises(
            ValueError, match=r"input_tensor has dtype INT32, which this op does not support"
        ):
            op(i)
    with pytest.raises(ValueError, match=r"ttnn\.topk.*INT32"):
        ttnn.topk(i, 2)
    host = ttnn.from_torch(torch.randn(4, 40))
    with pytest.raises(ValueError, match=r"ttnn\.sum.*on the host"):
        ttnn.sum(host)


# ---- mesh ----


def test_mesh(mesh_device):
    x = torch.randn(4, 37, 50)
    t = ttnn.from_torch(
        x,
        dtype=ttnn.float32,
        layout=TILE,
        device=mesh_device,
        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0),
    )
    xr = x
    compose = ttnn.ConcatMeshToTensor(mesh_device, dim=0)
    torch.testing.assert_close(
        ttnn.to_torch(ttnn.sum(t, dim=-1, keepdim=True), mesh_composer=compose),
        xr.sum(-1, keepdim=True),
        rtol=1e-5,
        atol=1e-4,
    )
    torch.testing.assert_close(
        ttnn.to_torch(ttnn.var(t, dim=1, keepdim=True), mesh_composer=compose),
        xr.var(1, keepdim=True),
        rtol=1e-5,
        atol=1e-5,
    )
    assert torch.equal(
        ttnn.to_torch(ttnn.argmax(t, dim=2, keepdim=True), mesh_composer=compose).long(),
        xr.argmax(2, keepdim=True),
    )
    values, indices = ttnn.topk(t, 3, dim=-1)
    assert torch.equal(
        ttnn.to_torch(values, mesh_composer=compose), torch.topk(xr, 3, dim=-1).values
    )
    assert indices.dtype == ttnn.uint16
    torch.testing.assert_close(
        ttnn.to_torch(ttnn.cumsum(t, 1), mesh_composer=compose),
        torch.cumsum(xr, 1),
        rtol=1e-5,
        atol=1e-4,
    )
