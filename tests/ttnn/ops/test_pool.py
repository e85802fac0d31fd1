"""ttnn.max_pool2d / avg_pool2d / global_avg_pool2d / adaptive pools / upsample against torch on
the same rounded inputs (NHWC in, TT-NN's flattened [1, 1, N*Ho*Wo, C] out)."""

import pytest
import torch
import torch.nn.functional as F

import ttnn

RM, TILE = ttnn.ROW_MAJOR_LAYOUT, ttnn.TILE_LAYOUT


def to_device(x_nchw, device, dtype=ttnn.bfloat16, layout=RM, flat=False):
    n, c, h, w = x_nchw.shape
    nhwc = x_nchw.permute(0, 2, 3, 1).contiguous()
    if flat:
        nhwc = nhwc.reshape(1, 1, n * h * w, c)
    t = ttnn.from_torch(nhwc, dtype=dtype, layout=layout, device=device)
    rounded = ttnn.to_torch(t).float().reshape(n, h, w, c).permute(0, 3, 1, 2)
    return t, rounded


def as_dtype(ref, dtype):
    if dtype == ttnn.bfloat16:
        return ref.float().to(torch.bfloat16).float()
    return ref.float()


def check(out, ref_nchw, dtype, exact=False):
    n, c, ho, wo = ref_nchw.shape
    assert tuple(out.shape) == (1, 1, n * ho * wo, c)
    got = ttnn.to_torch(out).float().reshape(n, ho, wo, c).permute(0, 3, 1, 2)
    expected = as_dtype(ref_nchw, dtype)
    if exact:
        assert torch.equal(got, expected)
    else:
        tol = 2.0 ** -7 if dtype == ttnn.bfloat16 else 1e-6
        torch.testing.assert_close(got, expected, rtol=tol, atol=tol)


MAX_CASES = [
    # N, C, H, W, kernel, stride, padding, dilation, ceil_mode
    (1, 32, 12, 12, (2, 2), (2, 2), (0, 0), (1, 1), False),
    (2, 16, 11, 13, (3, 3), (2, 2), (1, 1), (1, 1), False),
    (2, 16, 11, 13, (3, 3), (2, 2), (1, 1), (1, 1), True),
    (1, 40, 9, 10, (3, 2), (1, 2), (1, 0), (2, 1), True),
    (3, 8, 7, 7, (3, 3), (3, 3), (1, 1), (1, 1), True),
    (1, 64, 112, 112, (3, 3), (2, 2), (1, 1), (1, 1), False),  # ResNet-50's
]


@pytest.mark.parametrize("case", MAX_CASES, ids=str)
@pytest.mark.parametrize("dtype,layout,flat", [(ttnn.bfloat16, RM, False), (ttnn.float32, RM, True),
                                               (ttnn.bfloat8_b, TILE, False)])
def test_max_pool2d_matches_torch(device, case, dtype, layout, flat):
    n, c, h, w, k, s, p, d, ceil = case
    torch.manual_seed(0)
    t, xr = to_device(torch.randn(n, c, h, w), device, dtype, layout, flat)
    out_dtype = ttnn.float32 if dtype == ttnn.float32 else ttnn.bfloat16
    out = ttnn.max_pool2d(t, n, h, w, c, list(k), list(s), list(p), list(d), ceil, dtype=out_dtype)
    assert out.layout == RM and out.dtype == out_dtype
    ref = F.max_pool2d(xr, k, s, p, d, ceil_mode=ceil)
    check(out, ref, out_dtype, exact=True)


def test_max_pool2d_four_sided_padding_and_nan(device):
    x = torch.randn(1, 16, 8, 8)
    x[0, 3, 2, 2] = float("nan")
    t, xr = to_device(x, device, ttnn.float32)
    out = ttnn.max_pool2d(t, 1, 8, 8, 16, [3, 3], [2, 2], [1, 0, 0, 1], [1, 1], dtype=ttnn.float32)
    ref = F.max_pool2d(F.pad(xr, (0, 1, 1, 0), value=float("-inf")), 3, 2)
    got = ttnn.to_torch(out).float().reshape(1, ref.shape[2], ref.shape[3], 16).permute(0, 3, 1, 2)
    assert torch.equal(got.isnan(), ref.isnan()) and got.isnan().any()
    torch.testing.assert_close(got.nan_to_num(), ref.nan_to_num(), rtol=0, atol=0)


AVG_CASES = [
    # N, C, H, W, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
    (1, 32, 12, 12, (2, 2), (2, 2), (0, 0), False, True, None),
    (2, 16, 11, 13, (3, 3), (2, 2), (1, 1), False, True, None),
    (2, 16, 11, 13, (3, 3), (2, 2), (1, 1), True, False, None),
    (1, 24, 10, 9, (3, 2), (2, 1), (1, 1), True, True, None),
    (1, 8, 7, 7, (3, 3), (2, 2), (1, 1), False, False, 5),
    (2, 48, 7, 7, (7, 7), (1, 1), (0, 0), False, True, None),
]


@pytest.mark.parametrize("case", AVG_CASES, ids=str)
@pytest.mark.parametrize("dtype", [ttnn.bfloat16, ttnn.float32])
def test_avg_pool2d_matches_torch(device, case, dtype):
    n, c, h, w, k, s, p, ceil, cip, div = case
    torch.manual_seed(1)
    t, xr = to_device(torch.randn(n, c, h, w), device, dtype, flat=True)
    out = ttnn.avg_pool2d(t, n, h, w, c, list(k), list(s), list(p), ceil, cip, div, dtype=dtype)
    ref = F.avg_pool2d(xr.double(), k, s, p, ceil_mode=ceil, count_include_pad=cip, divisor_override=div)
    check(out, ref, dtype)


@pytest.mark.parametrize("dtype,layout", [(ttnn.bfloat16, RM), (ttnn.float32, TILE), (ttnn.bfloat8_b, TILE)])
def test_global_avg_pool2d(device, dtype, layout):
    torch.manual_seed(2)
    x = torch.randn(2, 300, 7, 7)
    t, xr = to_device(x, device, dtype, layout)
    out = ttnn.global_avg_pool2d(t)
    assert tuple(out.shape) == (2, 1, 1, 300) and out.dtype == dtype
    got = ttnn.to_torch(out).float().reshape(2, 300)
    ref = xr.double().mean(dim=(2, 3))
    if dtype == ttnn.bfloat8_b:
        torch.testing.assert_close(got.double(), ref, rtol=0.02, atol=0.02)
    else:
        torch.testing.assert_close(got, as_dtype(ref, dtype), rtol=2.0 ** -7, atol=1e-5)


@pytest.mark.parametrize("h,w,out_size", [(7, 7, (1, 1)), (7, 9, (3, 4)), (10, 6, (4, 6)), (5, 5, (7, 3))])
@pytest.mark.parametrize("kind", ["avg", "max"])
def test_adaptive_pools(device, h, w, out_size, kind):
    torch.manual_seed(3)
    n, c = 2, 24
    t, xr = to_device(torch.randn(n, c, h, w), device, ttnn.float32)
    op = ttnn.adaptive_avg_pool2d if kind == "avg" else ttnn.adaptive_max_pool2d
    out = op(t, n, h, w, c, list(out_size))
    assert out.dtype == ttnn.float32
    ref = (F.adaptive_avg_pool2d(xr.double(), out_size) if kind == "avg"
           else F.adaptive_max_pool2d(xr.double(), out_size))
    check(out, ref, ttnn.float32, exact=kind == "max")


@pytest.mark.parametrize("scale", [2, (2, 3), 1.5, (0.5, 2.5)])
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("dtype", [ttnn.bfloat16, ttnn.float32])
def test_upsample_matches_torch(device, scale, mode, dtype):
    torch.manual_seed(4)
    n, c, h, w = 2, 20, 6, 7
    t, xr = to_device(torch.randn(n, c, h, w), device, dtype)
    out = ttnn.upsample(t, scale, mode=mode)
    sf = scale if isinstance(scale, tuple) else (scale, scale)
    ref = F.interpolate(xr, scale_factor=sf, mode=mode, **({"align_corners": False} if mode == "bilinear" else {}))
    assert tuple(out.shape) == (n, ref.shape[2], ref.shape[3], c) and out.dtype == dtype
    got = ttnn.to_torch(out).float().permute(0, 3, 1, 2)
    if mode == "nearest":
        assert torch.equal(got, ref)
    else:
        tol = 2.0 ** -7 if dtype == ttnn.bfloat16 else 1e-5
        torch.testing.assert_close(got, as_dtype(ref, dtype), rtol=tol, atol=tol)


def test_pools_on_a_mesh(mesh_device):
    torch.manual_seed(5)
    x = torch.randn(4, 16, 8, 8)
    t = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.float32, device=mesh_device,
                        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0))
    out = ttnn.max_pool2d(t, 2, 8, 8, 16, [2, 2], [2, 2], [0, 0], [1, 1], dtype=ttnn.float32)
    got = ttnn.to_torch(out, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=2))
    assert torch.equal(got.float().reshape(4, 4, 4, 16).permute(0, 3, 1, 2), F.max_pool2d(x, 2))
    up = ttnn.upsample(t, 2)
    got = ttnn.to_torch(up, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0)).float().permute(0, 3, 1, 2)
    assert torch.equal(got, F.interpolate(x, scale_factor=2))


def test_pool_errors(device):
    t = ttnn.from_torch(torch.randn(1, 8, 8, 16), dtype=ttnn.bfloat16, device=device)
    with pytest.raises(ValueError, match=r"ttnn\.max_pool2d: input_tensor has shape \[1, 8, 8, 16\], which does not "
                                         r"match batch_size=2"):
        ttnn.max_pool2d(t, 2, 8, 8, 16, [2, 2], [2, 2], [0, 0], [1, 1])
    with pytest.raises(ValueError, match=r"ttnn\.avg_pool2d: input_tensor has shape .* channels=32"):
        ttnn.avg_pool2d(t, 1, 8, 8, 32, [2, 2], [2, 2], [0, 0])
    with pytest.raises(ValueError, match=r"ttnn\.max_pool2d: padding \[2, 2, 2, 2\] must be at most half"):
        ttnn.max_pool2d(t, 1, 8, 8, 16, [3, 3], [1, 1], [2, 2], [1, 1])
    with pytest.raises(ValueError, match=r"ttnn\.avg_pool2d: divisor_override=0 must be positive"):
        ttnn.avg_pool2d(t, 1, 8, 8, 16, [2, 2], [2, 2], [0, 0], divisor_override=0)
    g = ttnn.from_torch(torch.randn(1, 1, 16, 16), dtype=ttnn.float32, device=device)
    bad = ttnn.from_torch(torch.full((1, 1, 16, 16), 64, dtype=torch.int32), dtype=ttnn.int32, device=device)
    with pytest.raises(ValueError, match=r"ttnn\.max_pool2d_bw: indices holds 64, outside the input's 8x8 pixels"):
        ttnn.max_pool2d_bw(g, bad, 1, 8, 8, 16, [2, 2], [2, 2], [0, 0], [1, 1])
    with pytest.raises(ValueError, match=r"ttnn\.avg_pool2d_bw: input_tensor has shape \[1, 1, 16, 16\], which does "
                                         r"not match batch_size=1, input_h=3"):
        ttnn.avg_pool2d_bw(g, 1, 6, 8, 16, [2, 2], [2, 2], [0, 0])
    with pytest.raises(ValueError, match=r"ttnn\.upsample: mode=\"bicubic\" is not supported"):
        ttnn.upsample(t, 2, mode="bicubic")
    with pytest.raises(ValueError, match=r"ttnn\.adaptive_avg_pool2d: output_size\[0\]=0 must be positive"):
        ttnn.adaptive_avg_pool2d(t, 1, 8, 8, 16, [0, 2])
    with pytest.raises(ValueError, match=r"ttnn\.global_avg_pool2d: input_tensor has shape \[8, 16\]"):
        ttnn.global_avg_pool2d(ttnn.from_torch(torch.randn(8, 16), device=device))
    host = ttnn.from_torch(torch.randn(1, 8, 8, 16))
    with pytest.raises(ValueError, match=r"ttnn\.upsample: input_tensor is on the host"):
        ttnn.upsample(host, 2)


# ---- return_indices and the backward passes (max_pool2d_bw, avg_pool2d_bw) ----

MAX_BW = [
    # (N, C, H, W, kernel, stride, padding, dilation, ceil_mode)
    (2, 5, 9, 11, [3, 3], [2, 2], [1, 1], [1, 1], False),
    (1, 300, 8, 8, [2, 2], [2, 2], [0, 0], [1, 1], False),   # more than one channel block
    (2, 3, 10, 7, [3, 2], [1, 2], [1, 0], [2, 1], True),
]


def _flat(x_nchw):
    n, c, h, w = x_nchw.shape
    return x_nchw.permute(0, 2, 3, 1).reshape(1, 1, n * h * w, c).contiguous()


def _unflat(t, n, c, h, w):
    return ttnn.to_torch(t).reshape(n, h, w, c).permute(0, 3, 1, 2)


@pytest.mark.parametrize("cfg", MAX_BW)
def test_max_pool2d_return_indices_and_bw(device, cfg):
    n, c, h, w, k, s, p, d, ceil = cfg
    torch.manual_seed(0)
    x = torch.relu(torch.randn(n, c, h, w)).round()  # zeros and small integers: many ties
    x.requires_grad_(True)
    ref, ref_idx = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
    grad = torch.randn_like(ref)
    ref.backward(grad)
    xt = ttnn.from_torch(_flat(x.detach()), dtype=ttnn.float32, device=device)
    out, idx = ttnn.max_pool2d(xt, n, h, w, c, k, s, p, d, ceil, return_indices=True, dtype=ttnn.float32)
    ho, wo = ref.shape[2:]
    assert idx.dtype == ttnn.int32
    assert torch.equal(_unflat(out, n, c, ho, wo), ref.detach())
    assert torch.equal(_unflat(idx, n, c, ho, wo).long(), ref_idx)
    gt = ttnn.from_torch(_flat(grad), dtype=ttnn.float32, device=device)
    gi = ttnn.max_pool2d_bw(gt, idx, n, h, w, c, k, s, p, d, ceil, dtype=ttnn.float32)
    assert tuple(gi.shape) == (1, 1, n * h * w, c)
    torch.testing.assert_close(_unflat(gi, n, c, h, w), x.grad, rtol=1e-6, atol=1e-6)


AVG_BW = [
    # (N, C, H, W, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    (2, 5, 9, 11, [3, 3], [2, 2], [1, 1], False, True, None),
    (2, 5, 9, 11, [3, 3], [2, 2], [1, 1], True, False, None),
    (1, 260, 6, 6, [2, 2], [2, 2], [0, 0], False, True, 3),
    (1, 4, 7, 10, [3, 2], [1, 2], [1, 1], True, True, None),
]


@pytest.mark.parametrize("dtype", [ttnn.float32, ttnn.bfloat16])
@pytest.mark.parametrize("cfg", AVG_BW)
def test_avg_pool2d_bw(device, cfg, dtype):
    n, c, h, w, k, s, p, ceil, include_pad, divisor = cfg
    torch.manual_seed(0)
    x = torch.randn(n, c, h, w, requires_grad=True)
    ref = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=include_pad, divisor_override=divisor)
    grad = torch.randn_like(ref)
    gt = ttnn.from_torch(_flat(grad), dtype=dtype, device=device)
    grad_rounded = ttnn.to_torch(gt).float()
    ref_grad, = torch.autograd.grad(ref, x, _unflat_torch(grad_rounded, *ref.shape))
    gi = ttnn.avg_pool2d_bw(gt, n, h, w, c, k, s, p, ceil, include_pad, divisor, dtype=dtype)
    tol = 2.0 ** -7 if dtype == ttnn.bfloat16 else 1e-6
    torch.testing.assert_close(_unflat(gi, n, c, h, w).float(), as_dtype(ref_grad, dtype), rtol=tol, atol=tol)


def _unflat_torch(t, n, c, h, w):
    return t.reshape(n, h, w, c).permute(0, 3, 1, 2)
