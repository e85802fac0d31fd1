"""Host conversions of ttnn (from_torch / to_torch / to_layout / typecast) against the independent
numpy reference in reference_conversions.py (bit for bit) and against torch for integers.

Shapes, data and pad values are drawn by hypothesis; every dtype x layout x (host | device)
combination gets its own examples.
"""

import gc
import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference_conversions as ref
import ttnn

SETTINGS = settings(
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

RM = ttnn.ROW_MAJOR_LAYOUT
TILE = ttnn.TILE_LAYOUT
FLOAT_DTYPES = [ttnn.bfloat16, ttnn.float32, ttnn.bfloat8_b, ttnn.bfloat4_b]
INT_DTYPES = [ttnn.uint8, ttnn.uint16, ttnn.int32, ttnn.uint32]
BLOCK_FLOATS = {ttnn.bfloat8_b: 7, ttnn.bfloat4_b: 3}
INT_RANGE = {
    ttnn.uint8: (0, 2**8 - 1),
    ttnn.uint16: (0, 2**16 - 1),
    ttnn.int32: (-(2**31), 2**31 - 1),
    ttnn.uint32: (0, 2**32 - 1),
}
ELEMENT_BYTES = {ttnn.bfloat16: 2, ttnn.float32: 4, ttnn.uint8: 1, ttnn.uint16: 2, ttnn.int32: 4, ttnn.uint32: 4}
# Bytes of one 32x32 tile, from TT-NN's formats (bfloat8_b: 64 exponents + 1024 codes; bfloat4_b: 64 + 512).
TILE_BYTES = {ttnn.bfloat8_b: 1088, ttnn.bfloat4_b: 576, **{d: 1024 * b for d, b in ELEMENT_BYTES.items()}}

COMBOS = [(d, lay) for d in FLOAT_DTYPES + INT_DTYPES for lay in (RM, TILE) if not (d in BLOCK_FLOATS and lay == RM)]


def _name(v):
    return str(v).split(".")[-1]


def combo_id(c):
    return f"{_name(c[0])}-{_name(c[1])}"


@pytest.fixture(params=["host", "device"])
def target(request):
    """None (keep the tensor on the host) or an open device."""
    if request.param == "host":
        yield None
        return
    dev = ttnn.open_device(device_id=0)
    try:
        yield dev
    finally:
        ttnn.close_device(dev)


# ------------------------------------------------------------------------------------------------
# expected values
# ------------------------------------------------------------------------------------------------
def f32(values):
    return np.asarray(values, dtype=np.float32)


def bits_of(values):
    return np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)


def from_bits(words):
    return np.asarray(words, dtype=np.uint32).view(np.float32)


def expected_float(x, dtype, pad_value=0.0):
    """What to_torch(from_torch(x, dtype, layout)) gives for float32 data x, per the reference."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if dtype == ttnn.float32:
        return x.copy()
    if dtype == ttnn.bfloat16:
        return ref.bf16_round(x)
    wbits = BLOCK_FLOATS[dtype]
    if x.ndim >= 2:
        return ref.bfp_round_trip(x, wbits, pad_value=pad_value)
    # rank 0 / 1: TT-NN stores the values as one row of tiles
    return ref.bfp_round_trip(x.reshape(1, -1), wbits, pad_value=pad_value).reshape(x.shape)


def as_f32(out):
    """float32 numpy view of a to_torch result (bfloat16 widens exactly)."""
    assert out.dtype in (torch.float32, torch.bfloat16), out.dtype
    return out.float().numpy()


def assert_bits_equal(actual, expected, what=""):
    """Equal bit for bit, except that a NaN only has to be a NaN where the reference has one."""
    actual = np.ascontiguousarray(actual, dtype=np.float32)
    expected = np.ascontiguousarray(expected, dtype=np.float32)
    assert actual.shape == expected.shape, (what, actual.shape, expected.shape)
    a_nan, e_nan = np.isnan(actual), np.isnan(expected)
    bad = (a_nan != e_nan) | (~e_nan & (bits_of(actual) != bits_of(expected)))
    if bad.any():
        idx = np.argwhere(bad)
        first = tuple(idx[0])
        raise AssertionError(
            f"{what}: {len(idx)} of {actual.size} elements differ; first at {first}: got {actual[first]!r} "
            f"(0x{int(bits_of(actual)[first]):08x}), expected {expected[first]!r} (0x{int(bits_of(expected)[first]):08x})"
        )


def expected_padded_shape(shape, layout):
    shape = tuple(shape)
    if layout == RM or len(shape) == 0:
        return list(shape)
    if len(shape) == 1:
        return [-(-shape[0] // 32) * 32]
    return list(ref._padded_shape(shape))


def expected_storage_bytes(shape, dtype, layout):
    if layout == RM:
        return math.prod(shape) * ELEMENT_BYTES[dtype]
    shape = tuple(shape) if len(shape) >= 2 else (1,) * (2 - len(shape)) + tuple(shape)
    tiles = math.prod(shape[:-2]) * -(-shape[-2] // 32) * -(-shape[-1] // 32)
    return tiles * TILE_BYTES[dtype]


def check_metadata(t, shape, dtype, layout, where, memory_config=None):
    assert t.shape == list(shape)
    assert list(t.shape) == list(shape)
    assert t.padded_shape == expected_padded_shape(shape, layout)
    assert t.dtype == dtype
    assert t.layout == layout
    assert t.memory_config() == (memory_config or ttnn.DRAM_MEMORY_CONFIG)
    assert t.is_allocated()
    assert t.storage_bytes() == expected_storage_bytes(shape, dtype, layout)
    if where is None:
        assert t.storage_type() == ttnn.StorageType.HOST
        assert t.device() is None
    else:
        assert t.storage_type() == ttnn.StorageType.DEVICE
        assert t.device() is not None and t.device().id() == where.id()


# ------------------------------------------------------------------------------------------------
# strategies
# ------------------------------------------------------------------------------------------------
DIM = st.one_of(st.integers(1, 70), st.sampled_from([32, 64]))

SPECIALS = f32(
    [np.inf, -np.inf, np.nan, -np.nan, 0.0, -0.0, 1e-40, -1e-40, 1.4e-45, 2.0**-126, -(2.0**-126),
     3.4e38, -3.4e38, 1e30, -1e30, 1e-30, 65504.0, 1.0, -1.0, 1 + 2.0**-8, 1 + 3 * 2.0**-8]
)
SPECIAL_BITS = np.concatenate([bits_of(SPECIALS), np.array([0x7F800001, 0xFFC00001, 0x7FBFFFFF, 0xFF800000,
                                                            0x00000001, 0x807FFFFF, 0x7F7FFFFF], np.uint32)])
FLOAT_KINDS = ["normal", "wide", "bits", "special", "ties", "outliers"]


@st.composite
def shapes(draw, max_rank=5, max_volume=40_000):
    rank = draw(st.integers(1, max_rank))
    tail = [draw(DIM) for _ in range(min(rank, 2))]
    volume = math.prod(tail)
    lead = []
    for _ in range(rank - 2):
        cap = max(1, min(70, max_volume // volume))
        d = draw(st.one_of(st.integers(1, cap), st.sampled_from([min(32, cap)])))
        lead.append(d)
        volume *= d
    return tuple(lead + tail)


def make_floats(rng, shape, kind):
    n = math.prod(shape)
    if kind == "normal":
        x = rng.standard_normal(n)
    elif kind == "wide":  # exponents spread over 2^-24..2^24 inside every face row
        x = rng.standard_normal(n) * np.exp2(rng.integers(-24, 25, n))
    elif kind == "bits":  # any float32 bit pattern: NaN payloads, Inf, denormals, huge and tiny values
        return rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32).reshape(shape)
    elif kind == "special":
        x = rng.standard_normal(n).astype(np.float32).view(np.uint32)
        pick = rng.random(n) < 0.2
        x[pick] = rng.choice(SPECIAL_BITS, pick.sum())
        return x.view(np.float32).reshape(shape)
    elif kind == "ties":  # exact bf16 ties and small dyadic values (block-float ties)
        w = rng.standard_normal(n).astype(np.float32).view(np.uint32)
        w[::2] = (w[::2] & 0xFFFF0000) | 0x8000
        x = w.view(np.float32).astype(np.float64)
        x[1::2] = rng.integers(-300, 301, x[1::2].size) / np.exp2(rng.integers(0, 5, x[1::2].size))
    elif kind == "outliers":
        x = rng.standard_normal(n)
        pick = rng.random(n) < 0.03
        x[pick] = rng.choice([1e6, -1e9, 3e38, 2.0**20, -(2.0**30)], pick.sum())
    else:
        raise AssertionError(kind)
    return x.astype(np.float32).reshape(shape)


@st.composite
def float_arrays(draw, shape, kinds=FLOAT_KINDS):
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(kinds))
    return make_floats(np.random.default_rng(seed), shape, kind)


def make_ints(rng, shape, dtype):
    lo, hi = INT_RANGE[dtype]
    x = rng.integers(lo, hi, size=shape, dtype=np.int64, endpoint=True)
    flat = x.reshape(-1)
    flat[:: 7] = lo  # the ends of the range, too
    flat[3:: 11] = hi
    return x


def maybe_noncontiguous(draw, x):
    """A torch tensor with the values of the numpy array x, sometimes as a transposed view."""
    if x.ndim >= 2 and draw(st.booleans()):
        return torch.from_numpy(np.ascontiguousarray(np.swapaxes(x, -1, -2))).transpose(-1, -2)
    return torch.from_numpy(np.ascontiguousarray(x))


# ------------------------------------------------------------------------------------------------
# from_torch -> to_torch over dtypes x layouts x host/device
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
@SETTINGS
@given(data=st.data())
def test_from_torch_round_trip_matches_reference(target, combo, data):
    dtype, layout = combo
    shape = data.draw(shapes(), label="shape")
    if dtype in INT_DTYPES:
        seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
        x = make_ints(np.random.default_rng(seed), shape, dtype)
        source = data.draw(st.sampled_from(
            {ttnn.uint8: [np.uint8, np.int32, np.int64], ttnn.uint16: [np.uint16, np.int32, np.int64],
             ttnn.int32: [np.int32, np.int64], ttnn.uint32: [np.uint32, np.int64]}[dtype]), label="source")
        xt = maybe_noncontiguous(data.draw, x.astype(source))
    else:
        x = data.draw(float_arrays(shape), label="x")
        xt = maybe_noncontiguous(data.draw, x)

    t = ttnn.from_torch(xt, dtype=dtype, layout=layout, device=target)
    check_metadata(t, shape, dtype, layout, target)
    out = ttnn.to_torch(t)
    assert tuple(out.shape) == shape
    if dtype in INT_DTYPES:
        assert not out.is_floating_point()
        np.testing.assert_array_equal(out.numpy().astype(np.int64), x)
    else:
        assert_bits_equal(as_f32(out), expected_float(x, dtype), f"{dtype} {layout} {shape}")

    if target is not None:  # back to the host: same values, host metadata
        host = ttnn.from_device(t)
        check_metadata(host, shape, dtype, layout, None)
        assert same_bytes(ttnn.to_torch(host), out)


def same_bytes(a, b):
    """Same dtype, shape and bytes (so NaNs compare equal to themselves)."""
    return (a.dtype == b.dtype and a.shape == b.shape
            and torch.equal(a.contiguous().reshape(-1).view(torch.uint8), b.contiguous().reshape(-1).view(torch.uint8)))


def test_to_torch_dtype_choice_holds_every_value():
    """to_torch picks a torch dtype that represents every value of the ttnn dtype."""
    for dtype, (lo, hi) in INT_RANGE.items():
        x = torch.tensor([lo, hi, 0 if lo == 0 else -1, 1], dtype=torch.int64)
        out = ttnn.to_torch(ttnn.from_torch(x, dtype=dtype))
        assert out.tolist() == x.tolist(), dtype
    for dtype in BLOCK_FLOATS:
        x = torch.tensor([[1.0, -0.5, 3.0e38]])
        out = ttnn.to_torch(ttnn.from_torch(x, dtype=dtype, layout=TILE))
        assert out.dtype == torch.float32
    assert ttnn.to_torch(ttnn.from_torch(torch.ones(2), dtype=ttnn.bfloat16)).dtype == torch.bfloat16
    assert ttnn.to_torch(ttnn.from_torch(torch.ones(2), dtype=ttnn.float32)).dtype == torch.float32


def test_to_torch_dtype_argument():
    x = torch.randn(3, 40)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=TILE)
    want = torch.from_numpy(expected_float(x.numpy(), ttnn.bfloat8_b))
    out = ttnn.to_torch(t, dtype=torch.float64)
    assert out.dtype == torch.float64 and torch.equal(out, want.double())
    out = ttnn.to_torch(t, dtype=torch.bfloat16)
    assert out.dtype == torch.bfloat16 and torch.equal(out.float(), torch.from_numpy(ref.bf16_round(want.numpy())))


def test_rank0_and_empty_tensors(target):
    x = torch.tensor(2.71875)
    for dtype, layout in [(ttnn.float32, RM), (ttnn.bfloat16, TILE), (ttnn.bfloat8_b, TILE)]:
        t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=target)
        assert t.shape == [] and t.dtype == dtype
        out = ttnn.to_torch(t)
        assert out.shape == () and as_f32(out) == expected_float(x.numpy().reshape(1), dtype)[0]
    e = torch.zeros(0, 3)
    for dtype, layout in [(ttnn.float32, RM), (ttnn.bfloat8_b, TILE), (ttnn.int32, TILE)]:
        t = ttnn.from_torch(e, dtype=dtype, layout=layout, device=target)
        assert t.shape == [0, 3]
        assert tuple(ttnn.to_torch(t).shape) == (0, 3)


# ------------------------------------------------------------------------------------------------
# typecast / to_layout
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("src", FLOAT_DTYPES, ids=_name)
@pytest.mark.parametrize("dst", FLOAT_DTYPES, ids=_name)
@settings(SETTINGS, max_examples=5)
@given(data=st.data())
def test_typecast_float_pairs_match_reference_composition(target, src, dst, data):
    shape = data.draw(shapes(max_rank=4, max_volume=20_000), label="shape")
    x = data.draw(float_arrays(shape), label="x")
    t = ttnn.from_torch(torch.from_numpy(x), dtype=src, layout=TILE, device=target)
    u = ttnn.typecast(t, dst)
    check_metadata(u, shape, dst, TILE, target)
    first = expected_float(x, src)
    assert_bits_equal(as_f32(ttnn.to_torch(u)), expected_float(first, dst), f"typecast {src}->{dst}")
    # the source is left as it was
    assert_bits_equal(as_f32(ttnn.to_torch(t)), first, "typecast source")


@pytest.mark.parametrize("src,dst", [(ttnn.float32, ttnn.bfloat16), (ttnn.bfloat16, ttnn.float32)],
                         ids=["float32-bfloat16", "bfloat16-float32"])
@SETTINGS
@given(data=st.data())
def test_typecast_row_major(target, src, dst, data):
    shape = data.draw(shapes(), label="shape")
    x = data.draw(float_arrays(shape), label="x")
    t = ttnn.from_torch(torch.from_numpy(x), dtype=src, layout=RM, device=target)
    u = ttnn.typecast(t, dst)
    check_metadata(u, shape, dst, RM, target)
    assert_bits_equal(as_f32(ttnn.to_torch(u)), expected_float(expected_float(x, src), dst))


@pytest.mark.parametrize("dtype", [ttnn.bfloat16, ttnn.float32] + INT_DTYPES, ids=_name)
@SETTINGS
@given(data=st.data())
def test_to_layout_round_trip_is_exact(target, dtype, data):
    shape = data.draw(shapes(), label="shape")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    if dtype in INT_DTYPES:
        x = torch.from_numpy(make_ints(rng, shape, dtype))
    else:
        x = torch.from_numpy(make_floats(rng, shape, data.draw(st.sampled_from(FLOAT_KINDS), label="kind")))
    start = data.draw(st.sampled_from([RM, TILE]), label="start")
    other = TILE if start == RM else RM
    t = ttnn.from_torch(x, dtype=dtype, layout=start, device=target)
    before = ttnn.to_torch(t)
    u = ttnn.to_layout(t, other)
    check_metadata(u, shape, dtype, other, target)
    v = ttnn.to_layout(u, start)
    check_metadata(v, shape, dtype, start, target)
    for w in (u, v, ttnn.to_layout(t, start)):
        assert same_bytes(ttnn.to_torch(w), before)


@pytest.mark.parametrize("bfp", list(BLOCK_FLOATS), ids=_name)
@SETTINGS
@given(data=st.data())
def test_to_layout_with_dtype_through_block_floats(target, bfp, data):
    shape = data.draw(shapes(), label="shape")
    x = data.draw(float_arrays(shape), label="x")
    want = expected_float(x, bfp)
    t = ttnn.from_torch(torch.from_numpy(x), dtype=ttnn.float32, layout=RM, device=target)
    tiled = ttnn.to_layout(t, TILE, dtype=bfp)
    check_metadata(tiled, shape, bfp, TILE, target)
    assert_bits_equal(as_f32(ttnn.to_torch(tiled)), want, "RM float32 -> TILE bfp")
    back = ttnn.to_layout(tiled, RM, dtype=ttnn.float32)
    check_metadata(back, shape, ttnn.float32, RM, target)
    assert_bits_equal(as_f32(ttnn.to_torch(back)), want, "TILE bfp -> RM float32")
    back16 = ttnn.to_layout(tiled, RM, dtype=ttnn.bfloat16)
    assert_bits_equal(as_f32(ttnn.to_torch(back16)), ref.bf16_round(want), "TILE bfp -> RM bfloat16")


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=_name)
def test_typecast_int_to_float_and_back(target, dtype):
    lo, hi = INT_RANGE[dtype]
    rng = np.random.default_rng(5)
    x = make_ints(rng, (3, 40, 50), dtype)
    t = ttnn.from_torch(torch.from_numpy(x), dtype=dtype, layout=TILE, device=target)
    for fdt in FLOAT_DTYPES:
        u = ttnn.typecast(t, fdt)
        # integers become the nearest float32 first (as torch's int -> float), then the dtype's rounding
        assert_bits_equal(as_f32(ttnn.to_torch(u)), expected_float(x.astype(np.float32), fdt), f"{dtype}->{fdt}")
    # exactly representable small integers survive float32 -> int
    small = np.clip(x, max(lo, -(2**24)), min(hi, 2**24))
    s = ttnn.from_torch(torch.from_numpy(small.astype(np.float32)), dtype=ttnn.float32, layout=TILE, device=target)
    back = ttnn.to_torch(ttnn.typecast(s, dtype))
    np.testing.assert_array_equal(back.numpy().astype(np.int64), small)


# ------------------------------------------------------------------------------------------------
# other torch input dtypes
# ------------------------------------------------------------------------------------------------
FLOAT_SOURCES = [torch.float64, torch.float16, torch.bfloat16, torch.float32]
INT_SOURCES = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool]
DEFAULT_DTYPE = {torch.float64: ttnn.float32, torch.float16: ttnn.float32, torch.bfloat16: ttnn.bfloat16,
                 torch.float32: ttnn.float32, torch.int64: ttnn.int32, torch.int32: ttnn.int32,
                 torch.int16: ttnn.int32, torch.int8: ttnn.int32, torch.uint8: ttnn.uint8, torch.bool: ttnn.uint8}


def _source_tensor(torch_dtype, rng, shape):
    if torch_dtype == torch.bool:
        return torch.from_numpy(rng.random(shape) < 0.5)
    if torch_dtype.is_floating_point:
        x = rng.standard_normal(shape) * np.exp2(rng.integers(-12, 12, shape))
        x.reshape(-1)[:4] = [np.inf, -0.0, np.nan, 1e-5]
        return torch.from_numpy(x).to(torch_dtype)
    info = torch.iinfo(torch_dtype)
    lo, hi = max(info.min, -(2**31)), min(info.max, 2**31 - 1)
    return torch.from_numpy(rng.integers(lo, hi, shape, endpoint=True)).to(torch_dtype)


@pytest.mark.parametrize("torch_dtype", FLOAT_SOURCES + INT_SOURCES, ids=str)
@pytest.mark.parametrize("layout", [RM, TILE], ids=_name)
def test_from_torch_default_dtype_per_torch_dtype(target, torch_dtype, layout):
    x = _source_tensor(torch_dtype, np.random.default_rng(1), (2, 35, 47))
    t = ttnn.from_torch(x, layout=layout, device=target)
    dtype = DEFAULT_DTYPE[torch_dtype]
    check_metadata(t, x.shape, dtype, layout, target)
    out = ttnn.to_torch(t)
    if torch_dtype.is_floating_point:
        # float64 / float16 / bfloat16 values are first widened or rounded to float32 as torch does
        assert_bits_equal(as_f32(out), expected_float(x.to(torch.float32).numpy(), dtype))
    else:
        assert torch.equal(out.to(torch.int64), x.to(torch.int64))


@pytest.mark.parametrize("torch_dtype", FLOAT_SOURCES + INT_SOURCES, ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_name)
def test_from_torch_other_inputs_into_float_dtypes(target, torch_dtype, dtype):
    x = _source_tensor(torch_dtype, np.random.default_rng(2), (3, 33, 40))
    t = ttnn.from_torch(x, dtype=dtype, layout=TILE, device=target)
    assert t.dtype == dtype
    # the reference takes float32 input: torch's own conversion to float32 comes first
    want = expected_float(x.to(torch.float32).numpy(), dtype)
    assert_bits_equal(as_f32(ttnn.to_torch(t)), want, f"{torch_dtype} -> {dtype}")


@pytest.mark.parametrize("torch_dtype", INT_SOURCES, ids=str)
@pytest.mark.parametrize("dtype", INT_DTYPES, ids=_name)
def test_from_torch_int_inputs_into_int_dtypes(target, torch_dtype, dtype):
    lo, hi = INT_RANGE[dtype]
    # clamping values of the source dtype into the ttnn dtype's range keeps them in the source range
    x = _source_tensor(torch_dtype, np.random.default_rng(3), (2, 30, 41)).to(torch.int64).clamp(lo, hi)
    x = x.to(torch_dtype)
    for layout in (RM, TILE):
        t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=target)
        assert torch.equal(ttnn.to_torch(t).to(torch.int64), x.to(torch.int64))


def test_from_torch_floats_into_int_dtypes_truncate_like_torch(target):
    x = torch.tensor([[0.0, 0.9, 1.5, 2.5, 254.99, 255.0, 7.0, 100.75]])
    for dtype in INT_DTYPES:
        t = ttnn.from_torch(x, dtype=dtype, layout=TILE, device=target)
        assert ttnn.to_torch(t).to(torch.int64).tolist() == x.to(torch.int64).tolist(), dtype
    y = torch.tensor([[-2.7, -0.5, -1e6, 1e6, 3.99]])
    t = ttnn.from_torch(y, dtype=ttnn.int32, device=target)
    assert ttnn.to_torch(t).tolist() == y.to(torch.int32).tolist()


# ------------------------------------------------------------------------------------------------
# edge values
# ------------------------------------------------------------------------------------------------
def edge_matrix():
    """(4, 48) float32: each 16-wide face row holds a different edge case."""
    m = np.ones((4, 48), np.float32) * f32(0.75)
    m[0, 0:16] = [np.inf, 1.0, -2.0, 3.0, 1e-40, -0.0, 0.0, 5.0, -np.inf, 1, 2, 3, 4, 5, 6, 7]
    m[0, 16:32] = [np.nan, 1.0, 2.0, 3.0, -np.nan, 1e30, -1e-30, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    m[0, 32:48] = from_bits([0x7F800001, 0x3F800000, 0xFFC00001, 0x7FBFFFFF] + [0x40000000] * 12)
    m[1, 0:16] = [1e-40, -1e-40, 1.4e-45, -1.4e-45, 2.0**-126, -(2.0**-126), 2.0**-125, -0.0,
                  1.17e-38, 5e-39, 0, 0, 0, 0, 0, 0]
    m[1, 16:32] = [3.4e38, -3.4e38, 3e38, 1.0, 2.0**104, 2.0**100, -1.0, 65504] + [0.5] * 8
    m[1, 32:48] = [1024.0, 1.0, 8.0, 12.0, -24.0, 2.0**-7, 1.5 * 2.0**-7, -(2.0**-7)] + [0.0] * 8
    m[2, 0:16] = [1 + 2.0**-8, 1 + 3 * 2.0**-8, 1 + 2.0**-8 + 2.0**-20, 1.99609375, 1.9, 1.125, 1.375, 1.3,
                  64.75, 65.25, 64.5, 65.5, -65.5, 0.13, 0.008, 1.0]
    m[2, 16:32] = [-0.0] * 16
    m[2, 32:48] = [1e-40] * 16
    m[3, 0:16] = [-1e-30] * 15 + [1e9]
    m[3, 16:32] = from_bits([0x3F800000, 0x3F020001] + [0x3F000000] * 14)
    m[3, 32:48] = [np.float32(3.4028235e38)] * 16
    return m


@pytest.mark.parametrize("combo", [c for c in COMBOS if c[0] in FLOAT_DTYPES], ids=combo_id)
def test_edge_values_match_reference(target, combo):
    dtype, layout = combo
    x = edge_matrix()
    for shape in [(4, 48), (2, 2, 48), (1, 4, 48)]:
        xs = x.reshape(shape)
        t = ttnn.from_torch(torch.from_numpy(xs), dtype=dtype, layout=layout, device=target)
        assert_bits_equal(as_f32(ttnn.to_torch(t)), expected_float(xs, dtype), f"{dtype} {layout} {shape}")


def test_edge_values_hand_checked():
    """A few rules from docs/numerics_findings.md checked by hand, without the reference."""
    x = edge_matrix()

    def rt(dtype):
        return as_f32(ttnn.to_torch(ttnn.from_torch(torch.from_numpy(x), dtype=dtype, layout=TILE)))

    b16 = rt(ttnn.bfloat16)
    assert bits_of(b16[0, 16]) == 0x7FC00000 and bits_of(b16[0, 20]) == 0x7FC00000  # NaN -> +qNaN
    assert b16[2, 0] == 1.0 and b16[2, 1] == 1 + 4 * 2.0**-8 and b16[2, 2] == 1 + 2.0**-7  # RNE ties
    assert bits_of(b16[0, 5]) == 0x80000000 and b16[1, 16] == np.inf  # -0.0 kept, overflow -> inf
    b8 = rt(ttnn.bfloat8_b)
    assert list(b8[1, 32:37]) == [1024.0, 0.0, 0.0, 16.0, -32.0]  # outlier wipes neighbours
    assert list(b8[2, 8:13]) == [65.0, 65.0, 64.0, 66.0, -66.0]
    assert b8[0, 0] == np.inf and b8[0, 1] == 0.0 and np.isnan(b8[0, 16])  # Inf/NaN zero the row
    assert np.all(bits_of(b8[2, 16:48]) == 0)  # -0.0 and denormals -> +0
    assert b8[3, 17] == 0.5  # truncating alignment shift, not true RNE
    assert b8[0, 32] == np.inf  # NaN payload in low bits only -> Inf
    assert np.all(bits_of(b8[3, 0:15]) == 0) and b8[3, 15] == 119 * 2.0**23  # 1e9 = 119.2 units of 2^23
    r = np.zeros((1, 32), np.float32)
    r[0, :5] = [1.0, 1.125, 1.375, 1.3, 1.2]
    r[0, 16] = 1.9
    b4 = as_f32(ttnn.to_torch(ttnn.from_torch(torch.from_numpy(r), dtype=ttnn.bfloat4_b, layout=TILE)))
    assert list(b4[0, :5]) == [1.0, 1.0, 1.5, 1.25, 1.25]  # ties to even
    assert b4[0, 16] == 1.75  # saturates instead of carrying into the exponent


# ------------------------------------------------------------------------------------------------
# pad values
# ------------------------------------------------------------------------------------------------
PADS = [2.0**20, -3.0e38, 7.0, float("inf"), float("nan"), -(2.0**-100), 0.0]


@pytest.mark.parametrize("bfp", list(BLOCK_FLOATS), ids=_name)
@pytest.mark.parametrize("pad", PADS, ids=str)
def test_pad_value_changes_block_float_rounding(target, bfp, pad):
    wbits = BLOCK_FLOATS[bfp]
    rng = np.random.default_rng(11)
    x = (rng.standard_normal((3, 20, 40)) + 2.0).astype(np.float32)  # cols 32..39: half-filled face rows
    want = ref.bfp_round_trip(x, wbits, pad_value=pad)
    if math.isnan(pad) or abs(pad) >= 2.0**20:
        # the test can tell: a huge pad exponent wipes the real values of partial face rows
        assert not np.array_equal(want, ref.bfp_round_trip(x, wbits))
        assert np.all(want[:, :, 32:] == 0.0)
    xt = torch.from_numpy(x)

    a = ttnn.from_torch(xt, dtype=bfp, layout=TILE, pad_value=pad, device=target)
    assert_bits_equal(as_f32(ttnn.to_torch(a)), want, "from_torch(pad_value)")

    rm = ttnn.from_torch(xt, dtype=ttnn.float32, layout=RM, device=target)
    b = ttnn.typecast(ttnn.to_layout(rm, TILE, pad_value=pad), bfp)
    assert_bits_equal(as_f32(ttnn.to_torch(b)), want, "to_layout(pad_value) then typecast")

    c = ttnn.to_layout(rm, TILE, dtype=bfp, pad_value=pad)
    assert_bits_equal(as_f32(ttnn.to_torch(c)), want, "to_layout(dtype, pad_value)")

    rm16 = ttnn.from_torch(xt, dtype=ttnn.bfloat16, layout=RM, device=target)
    d = ttnn.typecast(ttnn.to_layout(rm16, TILE, pad_value=pad), bfp)
    pad16 = float(ref.bf16_round(f32([pad]))[0])
    want16 = ref.bfp_round_trip(ref.bf16_round(x), wbits, pad_value=pad16)
    assert_bits_equal(as_f32(ttnn.to_torch(d)), want16, "bfloat16 to_layout(pad_value) then typecast")


def test_pad_value_of_integer_tiles(target):
    x = np.random.default_rng(4).integers(-50, 50, (2, 10, 20))
    t = ttnn.from_torch(torch.from_numpy(x).to(torch.int32), dtype=ttnn.int32, layout=TILE, pad_value=1000,
                        device=target)
    assert torch.equal(ttnn.to_torch(t), torch.from_numpy(x).to(torch.int32))
    u = ttnn.typecast(t, ttnn.bfloat8_b)
    want = ref.bfp_round_trip(x.astype(np.float32), 7, pad_value=1000.0)
    assert not np.array_equal(want, ref.bfp_round_trip(x.astype(np.float32), 7))
    assert_bits_equal(as_f32(ttnn.to_torch(u)), want, "int32 tile padded with 1000 -> bfloat8_b")


@SETTINGS
@given(data=st.data())
def test_pad_value_property(data):
    shape = data.draw(shapes(max_rank=3, max_volume=10_000), label="shape")
    x = data.draw(float_arrays(shape, kinds=["normal", "wide", "special"]), label="x")
    pad = float(data.draw(st.sampled_from(list(SPECIALS) + [2.0**40, -(2.0**9)]), label="pad"))
    bfp = data.draw(st.sampled_from(list(BLOCK_FLOATS)), label="dtype")
    t = ttnn.from_torch(torch.from_numpy(x), dtype=bfp, layout=TILE, pad_value=pad)
    assert_bits_equal(as_f32(ttnn.to_torch(t)), expected_float(x, bfp, pad_value=pad), f"pad {pad}")


# ------------------------------------------------------------------------------------------------
# borrowing and copies
# ------------------------------------------------------------------------------------------------
def test_float32_row_major_host_tensor_borrows():
    x = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    t = ttnn.from_torch(x)
    assert t.dtype == ttnn.float32 and t.layout == RM and t.is_borrowed()
    x[1, 2, 3] = -100.0
    x.mul_(2)
    assert torch.equal(ttnn.to_torch(t), x)  # later in-place changes are seen


def test_to_torch_returns_a_copy():
    x = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    keep = x.clone()
    t = ttnn.from_torch(x)
    out = ttnn.to_torch(t)
    assert out.data_ptr() != x.data_ptr()
    out.fill_(5.0)
    assert torch.equal(ttnn.to_torch(t), keep) and torch.equal(x, keep)


@pytest.mark.parametrize("torch_dtype,dtype", [(torch.bfloat16, ttnn.bfloat16), (torch.int32, ttnn.int32),
                                               (torch.uint8, ttnn.uint8)], ids=str)
def test_other_native_dtypes_borrow(torch_dtype, dtype):
    x = torch.arange(12).reshape(3, 4).to(torch_dtype)
    t = ttnn.from_torch(x, dtype=dtype)
    assert t.is_borrowed()
    x[0, 0] = 9
    assert ttnn.to_torch(t)[0, 0].item() == 9


def test_borrowed_tensor_keeps_the_memory_alive():
    x = torch.arange(4096, dtype=torch.float32).reshape(64, 64)
    want = x.clone()
    t = ttnn.from_torch(x)
    assert t.is_borrowed()
    del x
    gc.collect()
    _ = [torch.full((64, 64), -1.0) for _ in range(20)]  # reuse freed memory if it was freed
    assert torch.equal(ttnn.to_torch(t), want)


def test_converted_tensors_do_not_borrow(target):
    x = torch.arange(64 * 3, dtype=torch.float32).reshape(3, 64)
    cases = [dict(dtype=ttnn.float32, layout=TILE), dict(dtype=ttnn.bfloat16, layout=RM),
             dict(dtype=ttnn.bfloat8_b, layout=TILE)]
    if target is not None:
        cases.append(dict(dtype=ttnn.float32, layout=RM))
    for kw in cases:
        t = ttnn.from_torch(x, device=target, **kw)
        assert not t.is_borrowed(), kw
        before = ttnn.to_torch(t).clone()
        x.add_(1000.0)
        assert torch.equal(ttnn.to_torch(t), before), kw
    # a non-contiguous view is copied before it is read: the tensor cannot follow the original
    y = torch.arange(12, dtype=torch.float32).reshape(3, 4).t()
    t = ttnn.from_torch(y)
    y.zero_()
    assert torch.equal(ttnn.to_torch(t), torch.arange(12, dtype=torch.float32).reshape(3, 4).t())


def test_deallocating_a_borrowed_tensor_leaves_the_array():
    x = torch.arange(10, dtype=torch.float32)
    t = ttnn.from_torch(x)
    ttnn.deallocate(t)
    assert not t.is_allocated()
    assert torch.equal(x, torch.arange(10, dtype=torch.float32))


# ------------------------------------------------------------------------------------------------
# big tensors and concurrent callers
# ------------------------------------------------------------------------------------------------
def test_large_tensor_uses_the_parallel_path(device):
    rng = np.random.default_rng(21)
    x = (rng.standard_normal((6, 300, 1000)) * np.exp2(rng.integers(-6, 7, (6, 300, 1000)))).astype(np.float32)
    for dtype in (ttnn.bfloat8_b, ttnn.bfloat16):
        t = ttnn.from_torch(torch.from_numpy(x), dtype=dtype, layout=TILE, device=device)
        assert_bits_equal(as_f32(ttnn.to_torch(t)), expected_float(x, dtype), f"large {dtype}")
    rm = ttnn.from_torch(torch.from_numpy(x), dtype=ttnn.bfloat16, device=device)
    assert_bits_equal(as_f32(ttnn.to_torch(rm)), ref.bf16_round(x), "large row-major bfloat16")


def test_concurrent_conversions_from_python_threads(device):
    import threading

    failures = []

    def work(seed):
        rng = np.random.default_rng(seed)
        try:
            for k in range(6):
                shape = (2, int(rng.integers(1, 90)), int(rng.integers(1, 150)))
                x = make_floats(rng, shape, FLOAT_KINDS[(seed + k) % len(FLOAT_KINDS)])
                t = ttnn.from_torch(torch.from_numpy(x), dtype=ttnn.bfloat8_b, layout=TILE,
                                    device=device if k % 2 else None)
                got = as_f32(ttnn.to_torch(ttnn.typecast(t, ttnn.bfloat4_b)))
                want = expected_float(expected_float(x, ttnn.bfloat8_b), ttnn.bfloat4_b)
                assert_bits_equal(got, want, f"thread {seed} step {k}")
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append(repr(e))

    threads = [threading.Thread(target=work, args=(s,)) for s in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert failures == []
    gc.collect()
    assert device.memory_stats()["dram_in_use"] == 0
