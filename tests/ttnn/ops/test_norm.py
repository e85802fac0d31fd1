"""Norm ops against torch on the same rounded inputs (torch computed from to_torch(input), in float64).

float32: allclose. bfloat16: PCC >= 0.999 and within bf16 rounding of the reference. bfloat8_b:
PCC >= 0.99 and within a step of the largest shared exponent.
"""

import pytest
import torch
import torch.nn.functional as F

import ttnn

RM = ttnn.ROW_MAJOR_LAYOUT
TILE = ttnn.TILE_LAYOUT

COMBOS = [
    (ttnn.float32, RM),
    (ttnn.float32, TILE),
    (ttnn.bfloat16, RM),
    (ttnn.bfloat16, TILE),
    (ttnn.bfloat8_b, TILE),
]
SHAPES = {2: (37, 45), 3: (3, 33, 70), 4: (2, 3, 19, 40)}


def _name(v):
    return str(v).split(".")[-1]


def combo_id(c):
    return f"{_name(c[0])}-{_name(c[1])}"


def make(shape, seed=0, scale=3.0, offset=0.0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g) * scale + offset


def put(x, dtype, layout, device):
    t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)
    return t, ttnn.to_torch(t).double()  # the device tensor and the values it holds


def pcc(a, b):
    a, b = a.double().flatten(), b.double().flatten()
    if a.numel() < 2 or torch.equal(a, b):
        return 1.0
    return torch.corrcoef(torch.stack([a, b]))[0, 1].item()


def check(out, ref, dtype, layout=None, atol=1e-6, rtol=1e-5):
    """A ttnn output against a float64 reference, with dtype-specific tolerances."""
    assert out.dtype == dtype
    if layout is not None:
        assert out.layout == layout
    got = ttnn.to_torch(out).double()
    assert tuple(got.shape) == tuple(ref.shape), (tuple(got.shape), tuple(ref.shape))
    if dtype == ttnn.float32:
        torch.testing.assert_close(got, ref, atol=atol, rtol=rtol)
        return
    if dtype == ttnn.bfloat16:
        bound = 2.0**-8 * ref.abs() + 10 * atol
        assert pcc(got, ref) >= 0.999
    else:
        bound = 2.0**-6 * ref.abs().max() + 10 * atol
        assert pcc(got, ref) >= 0.99
    diff = (got - ref).abs()
    assert (diff <= bound).all(), f"max diff {diff.max().item()}"


# ---- softmax ----


@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_softmax(device, combo, rank):
    dtype, layout = combo
    t, x = put(make(SHAPES[rank], seed=rank), dtype, layout, device)
    for dim in sorted({-1, 0, 1, -2, rank - 1}):
        check(ttnn.softmax(t, dim=dim), torch.softmax(x, dim), dtype, layout)
    check(ttnn.softmax(t, numeric_stable=False), torch.softmax(x, -1), dtype, layout)


def test_softmax_special_values(device):
    x = make((4, 70), seed=1)
    x[1, :] = float("-inf")
    x[1, 3] = 2.0  # a row with one finite value
    x[2, 10:] = float("-inf")  # a masked tail
    x[3, 5] = 100.0  # large: the max subtraction keeps it finite
    t, xr = put(x, ttnn.float32, TILE, device)
    torch.testing.assert_close(
        ttnn.to_torch(ttnn.softmax(t)).double(), torch.softmax(xr, -1), atol=1e-6, rtol=1e-5
    )
    big = make((3, 100_000), seed=2)  # long rows
    t, br = put(big, ttnn.float32, RM, device)
    torch.testing.assert_close(
        ttnn.to_torch(ttnn.softmax(t)).double(), torch.softmax(br, -1), atol=1e-9, rtol=1e-5
    )


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_scale_mask_softmax(device, combo):
    dtype, layout = combo
    B, H, S, W = 2, 3, 19, 45
    t, x = put(make((B, H, S, W), seed=5), dtype, layout, device)
    mask_shapes = [(B, 1, 1, W), (B, 1, S, W), (1, 1, S, W), (S, W), (B, H, S, 1)]
    for k, shape in enumerate(mask_shapes):
        m = torch.where(
            torch.rand(shape, generator=torch.Generator().manual_seed(k)) < 0.2, -1e4, 0.0
        )
        mt, mr = put(m, ttnn.bfloat16 if dtype != ttnn.float32 else ttnn.float32, TILE, device)
        # x * scale + mask is float32 on the device too (-1e4 + x keeps ~3 decimals of x)
        ref = torch.softmax((x.float() * 0.125 + mr.float()).double(), -1)
        check(ttnn.scale_mask_softmax(t, 0.125, mt), ref, dtype, layout)
    causal = torch.triu(torch.full((S, W), -1e9), diagonal=1).expand(B, 1, S, W).contiguous()
    mt, mr = put(causal, ttnn.float32, TILE, device)
    ref = torch.softmax((x.float() + mr.float()).double(), -1)
    check(ttnn.scale_mask_softmax(t, mask=mt, is_causal_mask=True), ref, dtype, layout)
    check(ttnn.scale_mask_softmax(t), torch.softmax(x, -1), dtype, layout)


# ---- layer_norm, rms_norm ----


def ref_layer_norm(x, w, b, eps):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def ref_rms_norm(x, w, b, eps):
    y = x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
@pytest.mark.parametrize("name", ["layer_norm", "rms_norm"])
def test_layer_and_rms_norm(device, name, combo, rank):
    dtype, layout = combo
    shape = SHAPES[rank]
    W = shape[-1]
    ref_fn = ref_layer_norm if name == "layer_norm" else ref_rms_norm
    op = getattr(ttnn, name)
    t, x = put(make(shape, seed=rank, offset=2.0), dtype, layout, device)
    r, res = put(make(shape, seed=rank + 100), dtype, layout, device)
    wt, w = put(make((W,), seed=7, scale=0.5, offset=1.0), ttnn.bfloat16, RM, device)
    bt, b = put(make((1, W), seed=8), ttnn.float32, TILE, device)
    check(op(t, epsilon=1e-5), ref_fn(x, None, None, 1e-5), dtype, layout, atol=1e-5)
    check(
        op(t, epsilon=1e-5, weight=wt, bias=bt),
        ref_fn(x, w, b.flatten(), 1e-5),
        dtype,
        layout,
        atol=1e-5,
    )
    check(
        op(t, weight=wt, residual_input_tensor=r),
        ref_fn(x + res, w, None, 1e-12),
        dtype,
        layout,
        atol=1e-5,
    )


def test_layer_norm_weight_forms(device):
    # TT-NN passes gamma as [W], [1, W], or row-major packed [W / 32, 32].
    x = make((5, 64), seed=3)
    t, xr = put(x, ttnn.float32, TILE, device)
    w = make((64,), seed=4)
    ref = ref_layer_norm(
        xr, ttnn.to_torch(ttnn.from_torch(w, dtype=ttnn.bfloat16)).double(), None, 1e-12
    )
    for shape, layout in (((64,), RM), ((1, 64), TILE), ((2, 32), RM), ((1, 1, 2, 32), RM)):
        wt = ttnn.from_torch(w.reshape(shape), dtype=ttnn.bfloat16, layout=layout, device=device)
        check(ttnn.layer_norm(t, weight=wt), ref, ttnn.float32, atol=1e-5)


# ---- group_norm ----


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
@pytest.mark.parametrize("form", ["N1HWC", "NHWC"])
def test_group_norm(device, combo, form):
    dtype, layout = combo
    N, H, Wd, C, G = 2, 5, 7, 64, 8
    shape = (N, 1, H * Wd, C) if form == "N1HWC" else (N, H, Wd, C)
    t, x = put(make(shape, seed=11, offset=1.5), dtype, layout, device)
    wt, w = put(make((C,), seed=12, scale=0.5, offset=1.0), ttnn.bfloat16, RM, device)
    bt, b = put(make((1, 1, 1, C), seed=13), ttnn.bfloat16, RM, device)
    nchw = x.reshape(N, H * Wd, C).permute(0, 2, 1)  # torch's group norm is channels-first
    for weight, bias, eps in ((None, None, 1e-12), (wt, bt, 1e-5)):
        out = ttnn.group_norm(t, num_groups=G, epsilon=eps, weight=weight, bias=bias)
        ref = F.group_norm(nchw, G, w if weight else None, b.flatten() if bias else None, eps)
        check(out, ref.permute(0, 2, 1).reshape(shape), dtype, layout, atol=1e-5)


def test_group_norm_large_spatial(device):
    N, HW, C, G = 1, 4096, 96, 32  # one sample: the statistics are split over spatial segments
    t, x = put(make((N, 1, HW, C), seed=14, offset=10.0), ttnn.float32, TILE, device)
    ref = (
        F.group_norm(x.reshape(N, HW, C).permute(0, 2, 1), G, eps=1e-6)
        .permute(0, 2, 1)
        .reshape(N, 1, HW, C)
    )
    check(ttnn.group_norm(t, num_groups=G, epsilon=1e-6), ref, ttnn.float32, atol=1e-5)


# ---- batch_norm ----


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_batch_norm_eval(device, combo):
    dtype, layout = combo
    N, C, H, W = 3, 5, 9, 35
    t, x = put(make((N, C, H, W), seed=21), dtype, layout, device)
    stats = [
        make((1, C, 1, 1), seed=22),
        make((1, C, 1, 1), seed=23).abs() + 0.5,
        make((1, C, 1, 1), seed=24),
        make((1, C, 1, 1), seed=25),
    ]
    (mt, m), (vt, v), (wt, w), (bt, b) = [put(s, ttnn.bfloat16, TILE, device) for s in stats]
    out = ttnn.batch_norm(t, running_mean=mt, running_var=vt, weight=wt, bias=bt, eps=1e-5)
    ref = F.batch_norm(
        x, m.flatten(), v.flatten(), w.flatten(), b.flatten(), training=False, eps=1e-5
    )
    check(out, ref, dtype, layout, atol=1e-5)
    out = ttnn.batch_norm(t, running_mean=mt, running_var=vt)
    check(out, F.batch_norm(x, m.flatten(), v.flatten(), training=False), dtype, layout, atol=1e-5)


@pytest.mark.parametrize("stat_dtype", [ttnn.float32, ttnn.bfloat16], ids=_name)
@pytest.mark.parametrize("combo", [(ttnn.float32, TILE), (ttnn.bfloat16, RM)], ids=combo_id)
def test_batch_norm_training_updates_running_stats(device, combo, stat_dtype):
    dtype, layout = combo
    N, C, H, W = 4, 6, 5, 33
    t, x = put(make((N, C, H, W), seed=31, offset=2.0), dtype, layout, device)
    mt, m = put(make((1, C, 1, 1), seed=32), stat_dtype, TILE, device)
    vt, v = put(make((1, C, 1, 1), seed=33).abs() + 0.5, stat_dtype, TILE, device)
    wt, w = put(make((1, C, 1, 1), seed=34), ttnn.float32, TILE, device)
    rm, rv = m.flatten().clone(), v.flatten().clone()
    for step in range(2):  # twice: the second step starts from the updated stats
        out = ttnn.batch_norm(
            t, running_mean=mt, running_var=vt, training=True, momentum=0.2, weight=wt, eps=1e-5
        )
        ref = F.batch_norm(x, rm, rv, w.flatten(), None, training=True, momentum=0.2, eps=1e-5)
        check(out, ref, dtype, layout, atol=1e-5)
        # the same tensors now hold the updated stats, rounded to their dtype
        rm = ttnn.to_torch(ttnn.from_torch(rm.float(), dtype=stat_dtype)).double()
        rv = ttnn.to_torch(ttnn.from_torch(rv.float(), dtype=stat_dtype)).double()
        check(mt, rm.reshape(1, C, 1, 1), stat_dtype, TILE, atol=1e-6)
        check(vt, rv.reshape(1, C, 1, 1), stat_dtype, TILE, atol=1e-6)


def test_batch_norm_output_and_no_stats(device):
    x = make((2, 3, 4, 40), seed=41)
    t, xr = put(x, ttnn.float32, TILE, device)
    o = ttnn.from_torch(torch.zeros(2, 3, 4, 40), dtype=ttnn.bfloat16, layout=TILE, device=device)
    res = ttnn.batch_norm(t, training=True, output=o)
    ref = F.batch_norm(xr, None, None, training=True)
    check(o, ref, ttnn.bfloat16, TILE, atol=1e-5)  # written in place
    check(res, ref, ttnn.bfloat16, TILE, atol=1e-5)


# ---- errors ----


def test_errors(device):
    t, _ = put(make((4, 40)), ttnn.float32, TILE, device)
    with pytest.raises(ValueError, match=r"ttnn\.softmax.*dim=2"):
        ttnn.softmax(t, dim=2)
    w = ttnn.from_torch(torch.ones(1, 39), dtype=ttnn.bfloat16, device=device)
    with pytest.raises(
        ValueError, match=r"ttnn\.layer_norm: weight has shape \[1, 39\].*40.*\[4, 40\]"
    ):
        ttnn.layer_norm(t, weight=w)
    with pytest.raises(ValueError, match=r"ttnn\.rms_norm: bias has shape \[1, 39\]"):
        ttnn.rms_norm(t, bias=w)
    r = ttnn.from_torch(torch.ones(4, 41), dtype=ttnn.float32, device=device)
    with pytest.raises(
        ValueError, match=r"ttnn\.layer_norm: residual_input_tensor has shape \[4, 41\]"
    ):
        ttnn.layer_norm(t, residual_input_tensor=r)
    m = ttnn.from_torch(torch.zeros(3, 40), dtype=ttnn.float32, device=device)
    with pytest.raises(
        ValueError, match=r"ttnn\.scale_mask_softmax: mask \[3, 40\] does not broadcast"
    ):
        ttnn.scale_mask_softmax(t, 1.0, m)
    g, _ = put(make((1, 1, 10, 48)), ttnn.float32, TILE, device)
    with pytest.raises(
        ValueError, match=r"ttnn\.group_norm: num_groups=5 does not divide the 48 channels"
    ):
        ttnn.group_norm(g, num_groups=5)
    gw = ttnn.from_torch(torch.ones(32), dtype=ttnn.float32, device=device)
    with pytest.raises(ValueError, match=r"ttnn\.group_norm: weight has shape \[32\]"):
        ttnn.group_norm(g, num_groups=4, weight=gw)
    b, _ = put(make((2, 3, 4, 5)), ttnn.float32, RM, device)
    with pytest.raises(ValueError, match=r"ttnn\.batch_norm: training=False .*running_mean"):
        ttnn.batch_norm(b)
    rm = ttnn.from_torch(torch.zeros(1, 4, 1, 1), dtype=ttnn.float32, device=device)
    with pytest.raises(
        ValueError, match=r"ttnn\.batch_norm: running_mean has shape \[1, 4, 1, 1\]"
    ):
        ttnn.batch_norm(b, running_mean=rm, running_var=rm)
    i = ttnn.from_torch(torch.ones(4, 40, dtype=torch.int32), device=device)
    for op in (ttnn.softmax, ttnn.layer_norm, ttnn.rms_norm):
        with pytest.raises(
            ValueError, match=r"input_tensor has dtype INT32, which this op does not support"
        ):
            op(i)
    with pytest.raises(ValueError, match=r"ttnn\.softmax.*on the host"):
        ttnn.softmax(ttnn.from_torch(torch.ones(4, 40)))


# ---- mesh ----


def test_mesh(mesh_device):
    x = make((4, 19, 70), seed=51)
    t = ttnn.from_torch(
        x,
        dtype=ttnn.float32,
        layout=TILE,
        device=mesh_device,
        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0),
    )
    w = make((70,), seed=52)
    wt = ttnn.from_torch(w, dtype=ttnn.float32, device=mesh_device)  # replicated
    compose = ttnn.ConcatMeshToTensor(mesh_device, dim=0)
    torch.testing.assert_close(
        ttnn.to_torch(ttnn.softmax(t, dim=1), mesh_composer=compose), torch.softmax(x, 1)
    )
    got = ttnn.to_torch(ttnn.layer_norm(t, weight=wt, epsilon=1e-5), mesh_composer=compose)
    torch.testing.assert_close(got, F.layer_norm(x, (70,), w, None, 1e-5), atol=1e-5, rtol=1e-5)
    # batch norm in training: each device normalizes its own shard and updates its own running stats
    xb = make((4, 3, 5, 6), seed=53)
    tb = ttnn.from_torch(
        xb,
        dtype=ttnn.float32,
        layout=TILE,
        device=mesh_device,
        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0),
    )
    rm = ttnn.from_torch(torch.zeros(1, 3, 1, 1), dtype=ttnn.float32, device=mesh_device)
    rv = ttnn.from_torch(torch.ones(1, 3, 1, 1), dtype=ttnn.float32, device=mesh_device)
    out = ttnn.batch_norm(tb, running_mean=rm, running_var=rv, training=True)
    got = ttnn.to_torch(out, mesh_composer=compose)
    for d, part in enumerate(xb.split(2)):
        trm, trv = torch.zeros(3), torch.ones(3)
        ref = F.batch_norm(part, trm, trv, training=True)
        torch.testing.assert_close(got[2 * d : 2 * d + 2], ref, atol=1e-5, rtol=1e-5)
        dev_rm = ttnn.to_torch(ttnn.get_device_tensors(rm)[d]).flatten()
        torch.testing.assert_close(dev_rm, trm)
