"""ttnn.conv2d / conv_transpose2d / conv1d against torch on the same rounded inputs.

Fast mode must match torch's fp32 convolution; faithful mode is checked against an independent
model of the matrix engine (operands masked per fidelity phase as the Wormhole notes describe,
products summed in float64), then rounded to the output dtype.
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import ttnn

RM, TILE = ttnn.ROW_MAJOR_LAYOUT, ttnn.TILE_LAYOUT


@pytest.fixture
def fast():
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAST)
    yield
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAITHFUL)


@pytest.fixture
def faithful():
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAITHFUL)
    yield


def pcc(a, b):
    a, b = a.double().flatten(), b.double().flatten()
    return torch.corrcoef(torch.stack([a, b]))[0, 1].item()


def rounded(t, dtype, layout=RM):
    """The values from_torch stores for `t` in `dtype` (block floats per face row of the last dim)."""
    if dtype == ttnn.float32:
        return t.float()
    return ttnn.to_torch(ttnn.from_torch(t.float().contiguous(), dtype=dtype, layout=layout)).float()


def to_nchw(out, n, h, w, c):
    return ttnn.to_torch(out).float().reshape(n, h, w, c).permute(0, 3, 1, 2)


def run_conv2d(device, x, w, b=None, *, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1, dtype=ttnn.float32,
               layout=RM, flat=False, conv_config=None, compute_config=None, out_dtype=None, weight_dtype=None):
    """x NCHW, w OIHW (torch). Returns (ttnn output as NCHW, Ho, Wo, rounded x, rounded w, rounded b)."""
    n, c, h, wd = x.shape
    o = w.shape[0]
    x_nhwc = x.permute(0, 2, 3, 1).contiguous()
    if flat:
        x_nhwc = x_nhwc.reshape(1, 1, n * h * wd, c)
    tx = ttnn.from_torch(x_nhwc, dtype=dtype, layout=layout, device=device)
    wdt = weight_dtype or (dtype if dtype in (ttnn.float32, ttnn.bfloat16) else ttnn.bfloat16)
    tw = ttnn.from_torch(w, dtype=wdt)
    tb = ttnn.from_torch(b.reshape(1, 1, 1, o), dtype=wdt) if b is not None else None
    out, (ho, wo) = ttnn.conv2d(
        input_tensor=tx, weight_tensor=tw, bias_tensor=tb, device=device, in_channels=c, out_channels=o, batch_size=n,
        input_height=h, input_width=wd, kernel_size=tuple(w.shape[2:]), stride=stride, padding=padding,
        dilation=dilation, groups=groups, conv_config=conv_config, compute_config=compute_config, dtype=out_dtype,
        return_output_dim=True)
    assert tuple(out.shape) == (1, 1, n * ho * wo, o)
    xr = ttnn.to_torch(tx).float().reshape(n, h, wd, c).permute(0, 3, 1, 2)
    wr = ttnn.to_torch(tw).float()
    br = ttnn.to_torch(tb).float().reshape(o) if tb is not None else None
    return to_nchw(out, n, ho, wo, o), ho, wo, xr, wr, br


def torch_padding(padding):
    """TT-NN's (h, w) or (top, bottom, left, right) -> an explicit F.pad + conv padding 0."""
    if len(padding) == 2:
        return (padding[1], padding[1], padding[0], padding[0])
    t, b, l, r = padding
    return (l, r, t, b)


def reference_conv2d(x, w, b, stride, padding, dilation, groups):
    xp = F.pad(x.double(), torch_padding(padding))
    return F.conv2d(xp, w.double(), None if b is None else b.double(), stride=stride, dilation=dilation, groups=groups)


CASES = [
    # (N, C, H, W, O, k, stride, padding, dilation, groups, bias, flat)
    (1, 16, 9, 11, 24, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, False),
    (2, 8, 10, 7, 12, (3, 3), (2, 2), (1, 1), (1, 1), 1, False, True),
    (1, 6, 12, 12, 10, (5, 3), (1, 2), (2, 1, 0, 1), (1, 1), 1, True, False),
    (3, 8, 11, 9, 16, (3, 3), (1, 1), (2, 2), (2, 2), 1, True, True),
    (2, 12, 8, 8, 18, (3, 3), (1, 1), (1, 1), (1, 1), 3, True, False),
    (1, 32, 10, 10, 32, (3, 3), (1, 1), (1, 1), (1, 1), 32, True, True),  # depthwise
    (2, 16, 9, 9, 16, (3, 3), (2, 2), (1, 1), (1, 1), 16, False, False),  # depthwise, stride 2
    (1, 3, 32, 32, 16, (7, 7), (2, 2), (3, 3), (1, 1), 1, True, False),   # a stem
    (4, 24, 6, 5, 40, (1, 1), (1, 1), (0, 0), (1, 1), 1, True, True),     # 1x1
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"n{c[0]}c{c[1]}h{c[2]}w{c[3]}o{c[4]}k{c[5]}s{c[6]}p{c[7]}d{c[8]}g{c[9]}")
@pytest.mark.parametrize("layout", [RM, TILE])
def test_conv2d_fast_matches_torch(device, fast, case, layout):
    n, c, h, wd, o, k, stride, padding, dilation, groups, bias, flat = case
    torch.manual_seed(0)
    x = torch.randn(n, c, h, wd)
    w = torch.randn(o, c // groups, *k)
    b = torch.randn(o) if bias else None
    out, ho, wo, xr, wr, br = run_conv2d(device, x, w, b, stride=stride, padding=padding, dilation=dilation,
                                         groups=groups, layout=layout, flat=flat)
    ref = reference_conv2d(xr, wr, br, stride, padding, dilation, groups)
    assert out.shape == ref.shape
    assert pcc(out, ref) >= 0.9999
    torch.testing.assert_close(out.double(), ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("activation,fn", [
    ("relu", F.relu), ("relu6", F.relu6), ("silu", F.silu), ("gelu", F.gelu), ("sigmoid", torch.sigmoid),
    ("tanh", torch.tanh), ("hardswish", F.hardswish), ("mish", F.mish)])
def test_conv2d_fused_activation(device, fast, activation, fn):
    torch.manual_seed(1)
    x, w, b = torch.randn(1, 8, 7, 7), torch.randn(8, 8, 3, 3) * 0.3, torch.randn(8)
    cfg = ttnn.Conv2dConfig(activation=activation)
    out, *_ , xr, wr, br = run_conv2d(device, x, w, b, padding=(1, 1), conv_config=cfg)
    ref = fn(reference_conv2d(xr, wr, br, (1, 1), (1, 1), (1, 1), 1))
    torch.testing.assert_close(out.double(), ref, rtol=1e-4, atol=1e-4)


# ---- faithful mode ------------------------------------------------------------------------------

def _bits(t):
    return t.float().contiguous().view(torch.int32)


def _mask(t, mask):
    return (_bits(t) & np.int32(np.uint32(mask).view(np.int32))).view(torch.float32)


def engine_conv2d(x, w, b, fidelity, x_fp32, w_fp32, fp32_acc, **kw):
    """The matrix engine model: registers (TF32 or bf16 truncation for fp32 operands), SrcB
    (activations) hi = hidden + 6 bits / lo = the next 4, SrcA (weights) hi = hidden + 4 / lo = the
    next 5; LoFi = phase 0, HiFi2 = 0-1, HiFi3 = 0-2, HiFi4 = all four; phases summed in float64."""
    reg = 0xFFFFE000 if fp32_acc else 0xFFFF0000
    x = _mask(x, reg) if x_fp32 else x.float()
    w = _mask(w, reg) if w_fp32 else w.float()
    w = _mask(w, 0xFFFFC000)
    x_hi, w_hi = _mask(x, 0xFFFE0000), _mask(w, 0xFFF80000)
    x_lo, w_lo = x - x_hi, w - w_hi
    phases = [(x_hi, w_hi), (x_hi, w_lo), (x_lo, w_hi), (x_lo, w_lo)]
    count = {ttnn.MathFidelity.LoFi: 1, ttnn.MathFidelity.HiFi2: 2, ttnn.MathFidelity.HiFi3: 3,
             ttnn.MathFidelity.HiFi4: 4}[fidelity]
    total = sum(reference_conv2d(px, pw, None, **kw) for px, pw in phases[:count])
    if b is not None:
        total = total + b.double().reshape(1, -1, 1, 1)
    return total


def assert_rounded_close(out, ref, dtype):
    """out is ref rounded to dtype, up to the last bit (fp32 summation order differs)."""
    expected = ref.float().to(torch.bfloat16).float() if dtype == ttnn.bfloat16 else ref.float()
    ulp = 2.0 ** -7 if dtype == ttnn.bfloat16 else 2.0 ** -20
    torch.testing.assert_close(out.double(), expected.double(), rtol=ulp, atol=1e-3 * ref.abs().max().item())


@pytest.mark.parametrize("fidelity", [ttnn.MathFidelity.LoFi, ttnn.MathFidelity.HiFi2, ttnn.MathFidelity.HiFi3,
                                      ttnn.MathFidelity.HiFi4])
@pytest.mark.parametrize("dtype", [ttnn.bfloat16, ttnn.float32])
def test_conv2d_faithful_fidelity(device, faithful, fidelity, dtype):
    torch.manual_seed(2)
    x, w, b = torch.randn(2, 16, 8, 8), torch.randn(12, 16, 3, 3), torch.randn(12)
    cc = ttnn.WormholeComputeKernelConfig(math_fidelity=fidelity, fp32_dest_acc_en=True)
    out, *_, xr, wr, br = run_conv2d(device, x, w, b, padding=(1, 1), dtype=dtype, compute_config=cc)
    is32 = dtype == ttnn.float32
    ref = engine_conv2d(xr, wr, br, fidelity, is32, is32, True, stride=(1, 1), padding=(1, 1), dilation=(1, 1),
                        groups=1)
    assert_rounded_close(out, ref, dtype)
    # Lower fidelities really are less precise than HiFi4 on the same inputs.
    exact = reference_conv2d(xr, wr, br, (1, 1), (1, 1), (1, 1), 1)
    if fidelity == ttnn.MathFidelity.LoFi:
        assert (out.double() - exact).abs().max() > 1e-2
    if fidelity == ttnn.MathFidelity.HiFi4 and dtype == ttnn.bfloat16:
        assert_rounded_close(out, exact, dtype)


@pytest.mark.parametrize("fp32_dest_acc", [None, True, False])
def test_conv2d_faithful_fp32_registers(device, faithful, fp32_dest_acc):
    """fp32 operands are cut to TF32 (fp32 destination) or bf16 on their way into the engine. No
    compute_config: TT-NN's conv default, HiFi4 with an fp32 destination for fp32 x fp32."""
    torch.manual_seed(3)
    x, w = torch.randn(1, 8, 6, 6), torch.randn(4, 8, 3, 3)
    cc = None if fp32_dest_acc is None else ttnn.WormholeComputeKernelConfig(
        math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=fp32_dest_acc)
    out, *_, xr, wr, _ = run_conv2d(device, x, w, dtype=ttnn.float32, compute_config=cc)
    ref = engine_conv2d(xr, wr, None, ttnn.MathFidelity.HiFi4, True, True, fp32_dest_acc is not False,
                        stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1)
    assert_rounded_close(out, ref, ttnn.float32)
    assert (out.double() - reference_conv2d(xr, wr, None, (1, 1), (0, 0), (1, 1), 1)).abs().max() > 0


def test_conv2d_bfloat8_b_weights_and_activations(device, faithful):
    torch.manual_seed(4)
    n, c, h, wd, o = 1, 32, 6, 6, 48
    x, w, b = torch.randn(n, c, h, wd), torch.randn(o, c, 3, 3), torch.randn(o)
    cfg = ttnn.Conv2dConfig(weights_dtype=ttnn.bfloat8_b)
    cc = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=True)
    out, ho, wo, xr, wr, br = run_conv2d(device, x, w, b, padding=(1, 1), dtype=ttnn.bfloat8_b, layout=TILE,
                                         conv_config=cfg, compute_config=cc, out_dtype=ttnn.bfloat16)
    # Prepared weights: bfloat8_b blocks of 16 output channels per (in channel, ky, kx) row of the
    # [kh*kw*in, out] weight matrix, as TT-NN lays them out.
    matrix = wr.permute(1, 2, 3, 0).reshape(-1, o)
    w8 = rounded(matrix, ttnn.bfloat8_b, TILE).reshape(c, 3, 3, o).permute(3, 0, 1, 2)
    assert not torch.equal(w8, wr)
    ref = reference_conv2d(xr, w8, br, (1, 1), (1, 1), (1, 1), 1)
    assert_rounded_close(out, ref, ttnn.bfloat16)
    assert pcc(out, reference_conv2d(x, w, b, (1, 1), (1, 1), (1, 1), 1)) > 0.999
    # Weights handed over as a bfloat8_b tensor are used as they decode.
    tw8 = ttnn.from_torch(w, dtype=ttnn.bfloat8_b, layout=TILE)
    tx = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.bfloat16, device=device)
    out = ttnn.conv2d(input_tensor=tx, weight_tensor=tw8, device=device, in_channels=c, out_channels=o, batch_size=n,
                      input_height=h, input_width=wd, kernel_size=(3, 3), padding=(1, 1), compute_config=cc,
                      slice_config=ttnn.Conv2dSliceConfig(slice_type=ttnn.Conv2dDRAMSliceHeight, num_slices=2))
    xb = ttnn.to_torch(tx).float().permute(0, 3, 1, 2)
    ref = reference_conv2d(xb, ttnn.to_torch(tw8).float(), None, (1, 1), (1, 1), (1, 1), 1)
    assert_rounded_close(to_nchw(out, n, h, wd, o), ref, ttnn.bfloat16)


@pytest.mark.parametrize("out_dtype", [ttnn.float32, ttnn.bfloat16, ttnn.bfloat8_b])
def test_conv2d_output_dtype_and_layout(device, fast, out_dtype):
    x, w = torch.randn(1, 4, 5, 5), torch.randn(6, 4, 3, 3)
    tx = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.bfloat16, device=device)
    cfg = ttnn.Conv2dConfig(dtype=out_dtype, output_layout=TILE)
    out = ttnn.conv2d(input_tensor=tx, weight_tensor=ttnn.from_torch(w), device=device, in_channels=4,
                      out_channels=6, batch_size=1, input_height=5, input_width=5, kernel_size=(3, 3),
                      conv_config=cfg)
    assert out.dtype == out_dtype and out.layout == TILE
    cfg = ttnn.Conv2dConfig(output_layout=RM)
    out = ttnn.conv2d(input_tensor=tx, weight_tensor=ttnn.from_torch(w), device=device, in_channels=4, out_channels=6,
                      batch_size=1, input_height=5, input_width=5, kernel_size=(3, 3), conv_config=cfg,
                      dtype=ttnn.float32)
    assert out.dtype == ttnn.float32 and out.layout == RM


def test_conv2d_prepared_weights_are_cached(device, fast):
    torch.manual_seed(5)
    x, w, b = torch.randn(1, 8, 6, 6), torch.randn(8, 8, 3, 3), torch.randn(8)
    tx = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.float32, device=device)
    kw = dict(device=device, in_channels=8, out_channels=8, batch_size=1, input_height=6, input_width=6,
              kernel_size=(3, 3), padding=(1, 1))
    ttnn._C.ops._clear_conv_weight_cache()
    out, (ho, wo), (pw, pb) = ttnn.conv2d(input_tensor=tx, weight_tensor=ttnn.from_torch(w),
                                          bias_tensor=ttnn.from_torch(b.reshape(1, 1, 1, 8)),
                                          return_output_dim=True, return_weights_and_bias=True, **kw)
    assert (ho, wo) == (6, 6)
    assert pw.storage_type() == ttnn.StorageType.DEVICE and pb.storage_type() == ttnn.StorageType.DEVICE
    info = ttnn._C.ops._conv_backend_info()
    entries = info["cached_weight_entries"]
    assert entries >= 2  # the host weights and the prepared ones share one packed copy
    again, (pw2, pb2) = ttnn.conv2d(input_tensor=tx, weight_tensor=pw, bias_tensor=pb, return_weights_and_bias=True,
                                    **kw)
    assert ttnn._C.ops._conv_backend_info()["cached_weight_entries"] == entries  # no new packing
    assert torch.equal(ttnn.to_torch(out), ttnn.to_torch(again))
    ttnn.deallocate(pw)
    ttnn._C.ops._clear_conv_weight_cache()


# ---- conv_transpose2d and conv1d ----------------------------------------------------------------

@pytest.mark.parametrize("n,c,h,w,o,k,stride,padding,out_pad,dilation,groups", [
    (1, 8, 5, 6, 12, (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 1),
    (2, 6, 4, 4, 9, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 3),
    (1, 4, 7, 5, 4, (3, 2), (1, 3), (0, 0), (0, 2), (2, 1), 1),
    (1, 8, 4, 4, 8, (2, 2), (2, 2), (0, 0), (0, 0), (1, 1), 8),
])
def test_conv_transpose2d_matches_torch(device, fast, n, c, h, w, o, k, stride, padding, out_pad, dilation, groups):
    torch.manual_seed(6)
    x, wt, b = torch.randn(n, c, h, w), torch.randn(c, o // groups, *k), torch.randn(o)
    tx = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.float32, device=device)
    out, (ho, wo) = ttnn.conv_transpose2d(
        input_tensor=tx, weight_tensor=ttnn.from_torch(wt), bias_tensor=ttnn.from_torch(b.reshape(1, 1, 1, o)),
        device=device, in_channels=c, out_channels=o, batch_size=n, input_height=h, input_width=w, kernel_size=k,
        stride=stride, padding=padding, output_padding=out_pad, dilation=dilation, groups=groups,
        return_output_dim=True)
    ref = F.conv_transpose2d(x.double(), wt.double(), b.double(), stride=stride, padding=padding,
                             output_padding=out_pad, groups=groups, dilation=dilation)
    assert (ho, wo) == tuple(ref.shape[2:])
    torch.testing.assert_close(to_nchw(out, n, ho, wo, o).double(), ref, rtol=1e-4, atol=1e-4)


def test_conv_transpose2d_premirrored_kernel(device, fast):
    x, wt = torch.randn(1, 4, 5, 5), torch.randn(4, 6, 3, 3)
    tx = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.float32, device=device)
    out = ttnn.conv_transpose2d(input_tensor=tx, weight_tensor=ttnn.from_torch(wt.flip(2, 3).contiguous()),
                                device=device, in_channels=4, out_channels=6, batch_size=1, input_height=5,
                                input_width=5, kernel_size=(3, 3), stride=(2, 2), mirror_kernel=False)
    ref = F.conv_transpose2d(x.double(), wt.double(), stride=2)
    torch.testing.assert_close(to_nchw(out, 1, 11, 11, 6).double(), ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape", ["nlc", "flat"])
@pytest.mark.parametrize("padding", [1, (2, 0)])
def test_conv1d_matches_torch(device, fast, shape, padding):
    torch.manual_seed(7)
    n, c, length, o, k = 2, 8, 17, 12, 3
    x, w, b = torch.randn(n, c, length), torch.randn(o, c // 2, k), torch.randn(o)
    x_nlc = x.permute(0, 2, 1).contiguous()
    if shape == "flat":
        x_nlc = x_nlc.reshape(1, 1, n * length, c)
    tx = ttnn.from_torch(x_nlc, dtype=ttnn.float32, device=device)
    out, lo = ttnn.conv1d(input_tensor=tx, weight_tensor=ttnn.from_torch(w),
                          bias_tensor=ttnn.from_torch(b.reshape(1, 1, 1, o)), device=device, in_channels=c,
                          out_channels=o, batch_size=n, input_length=length, kernel_size=k, stride=2, padding=padding,
                          groups=2, return_output_dim=True)
    pl, pr = (padding, padding) if isinstance(padding, int) else padding
    ref = F.conv1d(F.pad(x.double(), (pl, pr)), w.double(), b.double(), stride=2, groups=2)
    assert lo == ref.shape[2] and tuple(out.shape) == (1, 1, n * lo, o)
    got = ttnn.to_torch(out).float().reshape(n, lo, o).permute(0, 2, 1)
    torch.testing.assert_close(got.double(), ref, rtol=1e-4, atol=1e-4)


# ---- meshes, threads, errors --------------------------------------------------------------------

# Shapes that make the engine split the work over the device's threads in each of its ways:
# whole images, bands of output rows (with the padding only at the image's edges), slices of
# output channels (weights larger than the activations), and transposed convolutions.
SPLITS = [
    ("images", False, (4, 8, 9, 9, 16, 3, 1, 1)),
    ("rows", False, (1, 8, 13, 9, 16, 3, 2, 1)),
    ("rows-3-images", False, (3, 4, 7, 6, 8, 5, 1, 2)),
    ("channels", False, (1, 64, 4, 5, 96, 3, 1, 1)),
    ("transposed-channels", True, (1, 16, 4, 4, 80, 3, 2, 1)),
    ("transposed-images", True, (2, 8, 5, 5, 8, 3, 2, 0)),
]


@pytest.mark.parametrize("name,transposed,shape", SPLITS, ids=[s[0] for s in SPLITS])
@pytest.mark.parametrize("mode", ["fast", "hifi3"])
def test_conv_split_over_threads(device, name, transposed, shape, mode):
    n, c, h, w, o, k, s, p = shape
    torch.manual_seed(9)
    x, b = torch.randn(n, c, h, w), torch.randn(o)
    wt = torch.randn(c, o, k, k) if transposed else torch.randn(o, c, k, k)
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAST if mode == "fast" else ttnn.NumericsMode.FAITHFUL)
    try:
        tx = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.bfloat16, device=device)
        cc = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi3, fp32_dest_acc_en=True)
        args = dict(input_tensor=tx, weight_tensor=ttnn.from_torch(wt), bias_tensor=ttnn.from_torch(b.reshape(1, 1, 1, o)),
                    device=device, in_channels=c, out_channels=o, batch_size=n, input_height=h, input_width=w,
                    kernel_size=(k, k), stride=(s, s), padding=(p, p), compute_config=cc, return_output_dim=True,
                    conv_config=ttnn.Conv2dConfig(activation="relu", output_layout=RM), dtype=ttnn.float32)
        out, (ho, wo) = (ttnn.conv_transpose2d if transposed else ttnn.conv2d)(**args)
    finally:
        ttnn.set_numerics_mode(ttnn.NumericsMode.FAITHFUL)
    xr = ttnn.to_torch(tx).float().reshape(n, h, w, c).permute(0, 3, 1, 2)
    if transposed:
        ref = F.conv_transpose2d(xr.double(), wt.double(), b.double(), stride=s, padding=p)
        if mode == "hifi3":  # the engine model on the equivalent convolution
            ref = None
    elif mode == "fast":
        ref = reference_conv2d(xr, wt, b, (s, s), (p, p), (1, 1), 1)
    else:
        ref = engine_conv2d(xr, wt, b, ttnn.MathFidelity.HiFi3, False, True, True, stride=(s, s), padding=(p, p),
                            dilation=(1, 1), groups=1)
    got = to_nchw(out, n, ho, wo, o).double()
    if ref is None:
        exact = F.relu(F.conv_transpose2d(xr.double(), wt.double(), b.double(), stride=s, padding=p))
        assert pcc(got, exact) > 0.999
        return
    torch.testing.assert_close(got, F.relu(ref), rtol=1e-5, atol=1e-4)

def test_conv2d_on_a_mesh(mesh_device, fast):
    torch.manual_seed(8)
    x, w, b = torch.randn(4, 8, 6, 6), torch.randn(16, 8, 3, 3), torch.randn(16)
    tx = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), dtype=ttnn.float32, device=mesh_device,
                         mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0))
    out = ttnn.conv2d(input_tensor=tx, weight_tensor=ttnn.from_torch(w),
                      bias_tensor=ttnn.from_torch(b.reshape(1, 1, 1, 16)), device=mesh_device, in_channels=8,
                      out_channels=16, batch_size=2, input_height=6, input_width=6, kernel_size=(3, 3),
                      padding=(1, 1))
    got = ttnn.to_torch(out, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0))
    got = got.float().reshape(4, 6, 6, 16).permute(0, 3, 1, 2)
    torch.testing.assert_close(got.double(), F.conv2d(x.double(), w.double(), b.double(), padding=1), rtol=1e-4,
                               atol=1e-4)


def test_conv2d_single_thread_device(fast):
    dev = ttnn.open_device(device_id=0, num_threads=1)
    try:
        x, w = torch.randn(1, 8, 9, 9), torch.randn(8, 8, 3, 3)
        out, *_ , xr, wr, _ = run_conv2d(dev, x, w, padding=(1, 1))
        torch.testing.assert_close(out.double(), reference_conv2d(xr, wr, None, (1, 1), (1, 1), (1, 1), 1),
                                   rtol=1e-4, atol=1e-4)
        # The caller's OpenMP team size is put back.
        assert torch.get_num_threads() >= 1
    finally:
        ttnn.close_device(dev)


def conv_kwargs(device, **over):
    kw = dict(device=device, in_channels=64, out_channels=64, batch_size=1, input_height=8, input_width=8,
              kernel_size=(3, 3), padding=(1, 1))
    kw.update(over)
    return kw


def test_conv2d_errors(device):
    tx = ttnn.from_torch(torch.randn(1, 8, 8, 64), dtype=ttnn.bfloat16, device=device)
    tw = ttnn.from_torch(torch.randn(64, 64, 3, 3))
    with pytest.raises(ValueError, match=r"^ttnn\.conv2d: groups=3 does not divide in_channels=64$"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, groups=3, **conv_kwargs(device))
    with pytest.raises(ValueError, match=r"ttnn\.conv2d: input_tensor has shape \[1, 8, 8, 64\], which does not match "
                                         r"batch_size=2, input_height=8, input_width=8, in_channels=64"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, **conv_kwargs(device, batch_size=2))
    with pytest.raises(ValueError, match=r"in_channels=32"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, **conv_kwargs(device, in_channels=32))
    with pytest.raises(ValueError, match=r"ttnn\.conv2d: weight_tensor has shape \[64, 64, 3, 3\], expected "
                                         r"\[64, 64, 5, 5\]"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, **conv_kwargs(device, kernel_size=(5, 5)))
    with pytest.raises(ValueError, match=r"ttnn\.conv2d: activation=\"swishy\" is not supported"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, conv_config=ttnn.Conv2dConfig(activation="swishy"),
                    **conv_kwargs(device))
    with pytest.raises(ValueError, match=r"ttnn\.conv2d: bias_tensor has shape"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, bias_tensor=ttnn.from_torch(torch.randn(1, 1, 1, 7)),
                    **conv_kwargs(device))
    with pytest.raises(ValueError, match=r"ttnn\.conv2d: padding has 3 values"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, **conv_kwargs(device, padding=(1, 1, 1)))
    with pytest.raises(ValueError, match=r"ttnn\.conv2d: dtype BFLOAT8_B needs TILE layout"):
        ttnn.conv2d(input_tensor=tx, weight_tensor=tw, dtype=ttnn.bfloat8_b,
                    conv_config=ttnn.Conv2dConfig(output_layout=RM), **conv_kwargs(device))
    with pytest.raises(ValueError, match=r"ttnn\.conv_transpose2d: output_padding\[0\]=2 must be smaller"):
        ttnn.conv_transpose2d(input_tensor=tx, weight_tensor=tw, output_padding=(2, 0), stride=(2, 2),
                              **conv_kwargs(device))
    host = ttnn.from_torch(torch.randn(1, 8, 8, 64))
    with pytest.raises(ValueError, match=r"ttnn\.conv2d: input_tensor is on the host and no device was given"):
        ttnn.conv2d(input_tensor=host, weight_tensor=tw, **conv_kwargs(None))


def test_conv2d_host_input_moves_to_device(device, fast):
    x, w = torch.randn(1, 4, 6, 6), torch.randn(4, 4, 3, 3)
    host = ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous())
    out = ttnn.conv2d(input_tensor=host, weight_tensor=ttnn.from_torch(w), device=device, in_channels=4,
                      out_channels=4, batch_size=1, input_height=6, input_width=6, kernel_size=(3, 3))
    assert out.storage_type() == ttnn.StorageType.DEVICE
    torch.testing.assert_close(to_nchw(out, 1, 4, 4, 4).double(), F.conv2d(x.double(), w.double()), rtol=1e-4,
                               atol=1e-4)


# ---- oneDNN next to libtorch's oneDNN, in both import orders -----------------------------------

COEXIST = textwrap.dedent("""
    import sys
    if sys.argv[1] == "torch_first":
        import torch, ttnn
    else:
        import ttnn, torch
    x, w = torch.randn(1, 16, 12, 12), torch.randn(8, 16, 3, 3)
    ref = torch.nn.functional.conv2d(x.double(), w.double(), padding=1)
    ours_torch = torch.nn.functional.conv2d(x, w, padding=1)            # libtorch's oneDNN
    dev = ttnn.open_device(device_id=0)
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAST)
    out = ttnn.conv2d(input_tensor=ttnn.from_torch(x.permute(0, 2, 3, 1).contiguous(), device=dev),
                      weight_tensor=ttnn.from_torch(w), device=dev, in_channels=16, out_channels=8, batch_size=1,
                      input_height=12, input_width=12, kernel_size=(3, 3), padding=(1, 1))
    out = ttnn.to_torch(out).reshape(1, 12, 12, 8).permute(0, 3, 1, 2).double()
    again = torch.nn.functional.conv2d(x, w, padding=1)                 # torch still fine after ours
    ttnn.close_device(dev)
    info = ttnn._C.ops._conv_backend_info()
    assert (ours_torch.double() - ref).abs().max() < 1e-4, "torch"
    assert (again.double() - ref).abs().max() < 1e-4, "torch after ttnn"
    assert (out - ref).abs().max() < 1e-4, "ttnn"
    assert info["library"].startswith("oneDNN 2."), info
    assert info["library_path"].endswith("libdnnl.so.2"), info
    assert "torch" not in info["library_path"], info
    print(info["library_path"], info["openmp_path"])
""")


@pytest.mark.parametrize("order", ["torch_first", "ttnn_first"])
def test_onednn_coexists_with_libtorch(order):
    result = subprocess.run([sys.executable, "-c", COEXIST, order], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
