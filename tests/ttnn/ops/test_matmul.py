"""ttnn.matmul / ttnn.linear against torch, and the faithful mode against an independent numpy model
of the matrix engine written from the Wormhole ISA notes (per-phase SrcA/SrcB mantissa bits, bf16
destination rounding), not from our implementation's combined masks.
"""

import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch

import ttnn

RM, TILE = ttnn.ROW_MAJOR_LAYOUT, ttnn.TILE_LAYOUT
FIDELITIES = [ttnn.MathFidelity.LoFi, ttnn.MathFidelity.HiFi2, ttnn.MathFidelity.HiFi3, ttnn.MathFidelity.HiFi4]
PHASES = {ttnn.MathFidelity.LoFi: [0], ttnn.MathFidelity.HiFi2: [0, 1], ttnn.MathFidelity.HiFi3: [0, 1, 2],
          ttnn.MathFidelity.HiFi4: [0, 1, 2, 3]}


# ---- the reference model ----------------------------------------------------------------------

def _bits(x):
    return np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)


def _from_bits(u):
    return u.astype(np.uint32).view(np.float32)


def register_value(x, is_fp32, fp32_dest_acc):
    """What the unpacker puts in a source register: fp32 -> TF32 (fp32 dest) or bf16, truncated."""
    if not is_fp32:
        return np.asarray(x, np.float32)
    return _from_bits(_bits(x) & np.uint32(0xFFFFE000 if fp32_dest_acc else 0xFFFF0000))


def srca_bits(x, phase):
    """Weights (in1 -> SrcA): hidden + 4 mantissa bits on even phases, the next 5 on odd ones."""
    if phase & 1 == 0:
        return _from_bits(_bits(x) & np.uint32(0xFFF80000))
    return x - _from_bits(_bits(x) & np.uint32(0xFFF83FFF))


def srcb_bits(x, phase):
    """Activations (in0 -> SrcB): hidden + 6 mantissa bits on phases 0-1, the next 4 on phases 2-3."""
    if phase & 2 == 0:
        return _from_bits(_bits(x) & np.uint32(0xFFFE0000))
    return x - _from_bits(_bits(x) & np.uint32(0xFFFE1FFF))


def bf16_rne(x):
    u = _bits(np.asarray(x, np.float32)).astype(np.uint64)
    u = ((u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000).astype(np.uint32)
    return u.view(np.float32)


def engine_matmul(a, b, fidelity, fp32_dest_acc, a_fp32=False, b_fp32=False):
    """2-D a [M, K] @ b [K, N] as the matrix engine computes it (float64 phase sums)."""
    a = register_value(a, a_fp32, fp32_dest_acc)
    b = register_value(b, b_fp32, fp32_dest_acc)
    parts = [(srcb_bits(a, p).astype(np.float64), srca_bits(b, p).astype(np.float64)) for p in PHASES[fidelity]]
    if fp32_dest_acc:
        return sum(pa @ pb for pa, pb in parts).astype(np.float32)
    acc = np.zeros((a.shape[0], b.shape[1]), np.float32)
    for k0 in range(0, a.shape[1], 32):
        tile = sum(pa[:, k0:k0 + 32] @ pb[k0:k0 + 32] for pa, pb in parts)
        acc = bf16_rne((acc + tile).astype(np.float32))
    return acc


def abs_bound(a, b):
    return np.abs(np.asarray(a, np.float64)) @ np.abs(np.asarray(b, np.float64))


def pcc(x, y):
    x = torch.as_tensor(x).double().flatten()
    y = torch.as_tensor(y).double().flatten()
    return torch.corrcoef(torch.stack([x, y]))[0, 1].item()


# ---- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def fast_mode():
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAST)
    try:
        yield
    finally:
        ttnn.set_numerics_mode(ttnn.NumericsMode.FAITHFUL)


def to_dev(x, device, dtype=ttnn.float32, layout=TILE):
    return ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)


def back(t):
    return ttnn.to_torch(t).float()


def config(fidelity, fp32_dest_acc):
    return ttnn.WormholeComputeKernelConfig(math_fidelity=fidelity, math_approx_mode=False,
                                            fp32_dest_acc_en=fp32_dest_acc, packer_l1_acc=False)


# ---- fast mode: plain float32 against torch ------------------------------------------------------

SHAPES = [  # (a shape, b shape, transpose_a, transpose_b)
    ([1, 1], [1, 1], False, False),
    ([7, 33], [33, 65], False, False),
    ([64, 128], [128, 96], False, False),
    ([100, 300], [300, 50], False, False),
    ([3, 40, 70], [70, 20], False, False),            # batched activations, shared weight
    ([2, 1, 5, 33], [3, 33, 7], False, False),        # broadcast batch dims
    ([4, 9, 17], [4, 17, 6], False, False),           # batched both
    ([1, 17, 9], [4, 17, 6], True, False),            # broadcast a, transpose_a
    ([33], [33, 12], False, False),                   # rank-1 a
    ([6, 33], [33], False, False),                    # rank-1 b
    ([2, 5, 33], [33], False, False),
    ([33], [33], False, False),                       # dot
    ([33, 20], [48, 33], True, True),
    ([20, 33], [48, 33], False, True),
    ([2, 96, 40], [2, 50, 96], True, True),
    ([3, 33], [48, 33], False, True),                 # few rows x nn.Linear's weight: the streaming kernel
    ([1, 70], [5, 70], False, True),
    ([16, 7], [9, 7], False, True),
    ([70, 1], [1, 90], False, False),                 # rank-1 updates (K = 1): the outer-product path
    ([1, 70], [1, 90], True, False),
    ([70, 1], [90, 1], False, True),
    ([3, 40, 1], [3, 1, 50], False, False),
]


def torch_op(x, transpose):
    return x.transpose(-1, -2) if transpose and x.dim() > 1 else x


@pytest.mark.parametrize("a_shape,b_shape,ta,tb", SHAPES)
def test_fast_mode_matches_torch(device, fast_mode, a_shape, b_shape, ta, tb):
    torch.manual_seed(0)
    a, b = torch.randn(a_shape), torch.randn(b_shape)
    layout = TILE if len(a_shape) > 1 else RM
    out = ttnn.matmul(to_dev(a, device, layout=layout), to_dev(b, device, layout=layout), transpose_a=ta, transpose_b=tb)
    ref = torch.matmul(torch_op(a, ta), torch_op(b, tb))
    got = back(out)
    assert tuple(got.shape) == tuple(ref.shape)
    assert torch.allclose(got, ref, rtol=1e-4, atol=1e-4)
    if ref.numel() > 1:
        assert pcc(got, ref) >= 0.9999


@pytest.mark.parametrize("act,fn", [
    (None, lambda x: x),
    ("relu", torch.relu),
    ("relu6", torch.nn.functional.relu6),
    ("gelu", torch.nn.functional.gelu),
    ("gelu_approx", lambda x: torch.nn.functional.gelu(x, approximate="tanh")),
    ("silu", torch.nn.functional.silu),
    ("sigmoid", torch.sigmoid),
    ("hardsigmoid", torch.nn.functional.hardsigmoid),
    ("tanh", torch.tanh),
])
def test_linear_bias_activation_fast(device, fast_mode, act, fn):
    torch.manual_seed(1)
    x, w, bias = torch.randn(2, 37, 70), torch.randn(70, 45) * 0.2, torch.randn(45)
    out = ttnn.linear(to_dev(x, device), to_dev(w, device), bias=to_dev(bias.reshape(1, 45), device), activation=act)
    ref = fn(torch.nn.functional.linear(x, w.T, bias))
    got = back(out)
    assert torch.allclose(got, ref, rtol=2e-5, atol=2e-5), (got - ref).abs().max()
    assert pcc(got, ref) >= 0.9999
    if act is not None:  # matmul takes the same activation
        got2 = back(ttnn.matmul(to_dev(x, device), to_dev(w, device), activation=act))
        assert torch.allclose(got2, fn(x @ w), rtol=2e-5, atol=2e-5)


def test_linear_transpose_b_is_torch_weight(device, fast_mode):
    torch.manual_seed(2)
    x, w, bias = torch.randn(10, 64), torch.randn(48, 64), torch.randn(48)
    out = ttnn.linear(to_dev(x, device), to_dev(w, device), bias=to_dev(bias, device, layout=RM), transpose_b=True)
    assert torch.allclose(back(out), torch.nn.functional.linear(x, w, bias), rtol=1e-4, atol=1e-4)


# ---- faithful mode: the engine model ------------------------------------------------------------

@pytest.mark.parametrize("fidelity", FIDELITIES)
@pytest.mark.parametrize("fp32_dest_acc", [True, False])
@pytest.mark.parametrize("in_dtype", [ttnn.float32, ttnn.bfloat16])
@pytest.mark.parametrize("rows", [1, 3, 5, 40])  # streaming (<= 3 rows, TILE), direct (few rows / bf16 dest.), BLAS
@pytest.mark.parametrize("layout", [TILE, RM])  # the direct kernel reads either weight layout in place
@pytest.mark.parametrize("weight_nt", [False, True], ids=["w_kn", "w_nk"])  # [n, k] + transpose_b: nn.Linear's
def test_fidelity_matches_engine_model(device, fidelity, fp32_dest_acc, in_dtype, rows, layout, weight_nt):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((rows, 96)).astype(np.float32)
    b = rng.standard_normal((96, 48)).astype(np.float32)
    ta = to_dev(torch.from_numpy(a), device, in_dtype, layout)
    tb = to_dev(torch.from_numpy(b.T.copy() if weight_nt else b), device, in_dtype, layout)
    # The engine sees what the tensors hold: bf16 tensors hold a rounded copy.
    a_in, b_in = back(ta).numpy(), back(tb).numpy()
    if weight_nt:
        b_in = b_in.T.copy()
    is_fp32 = in_dtype == ttnn.float32
    out = back(ttnn.matmul(ta, tb, transpose_b=weight_nt, dtype=ttnn.float32,
                           compute_kernel_config=config(fidelity, fp32_dest_acc))).numpy()
    ref = engine_matmul(a_in, b_in, fidelity, fp32_dest_acc, is_fp32, is_fp32)
    bound = abs_bound(a_in, b_in)
    if fp32_dest_acc:
        # Same exact products, fp32 sums in another order.
        np.testing.assert_array_less(np.abs(out - ref), 96 * 2.0**-23 * bound + 1e-30)
    else:
        # The bf16 running sum: the same roundings, apart from rare ties that fp32 ordering moves.
        np.testing.assert_array_less(np.abs(out - ref), 2 * 2.0**-7 * bound + 1e-30)
        assert np.mean(out == ref) > 0.9
    # ... and not the neighbouring fidelity's result (with the bf16 destination, HiFi3 and HiFi4 differ
    # by less than its rounding on most outputs: a single row of 48 may not show it).
    if fidelity != ttnn.MathFidelity.HiFi4 and (fp32_dest_acc or rows >= 5):
        other = engine_matmul(a_in, b_in, ttnn.MathFidelity.HiFi4, fp32_dest_acc, is_fp32, is_fp32)
        assert np.abs(out - other).max() > 1e-4


@pytest.mark.parametrize("rows", [1, 2, 5])
@pytest.mark.parametrize("k,n", [(70, 45), (33, 8), (300, 130)])
def test_nt_few_rows_bf16_destination_with_k_tails(device, rows, k, n):
    """nn.Linear's [out, in] weight streamed by rows, the bf16 destination rounded per 32-wide K
    tile, K not a multiple of the vector width: as the engine model computes it."""
    rng = np.random.default_rng(k * n + rows)
    x = rng.standard_normal((rows, k)).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    tx, tw = to_dev(torch.from_numpy(x), device, ttnn.bfloat16), to_dev(torch.from_numpy(w), device, ttnn.bfloat16, RM)
    x_in, w_in = back(tx).numpy(), back(tw).numpy()
    out = back(ttnn.linear(tx, tw, transpose_b=True, dtype=ttnn.float32,
                           compute_kernel_config=config(ttnn.MathFidelity.HiFi4, False))).numpy()
    ref = engine_matmul(x_in, w_in.T.copy(), ttnn.MathFidelity.HiFi4, False)
    np.testing.assert_array_less(np.abs(out - ref), 2 * 2.0**-7 * abs_bound(x_in, w_in.T) + 1e-30)
    assert np.mean(out == ref) > 0.9


@pytest.mark.parametrize("rows", [1, 2, 3])
@pytest.mark.parametrize("w_dtype", [ttnn.float32, ttnn.bfloat16])
@pytest.mark.parametrize("k,n", [(70, 45), (32, 33), (1, 96), (300, 1000)])
def test_few_rows_tile_weight_never_reads_padding(device, fast_mode, rows, w_dtype, k, n):
    """The streaming kernel (1-3 rows, TILE weight): partial tiles in K and N, the weight's tile
    padding NaN (to_layout's pad_value): padding rows must never be read, padding columns dropped."""
    torch.manual_seed(k + n)
    x, w = torch.randn(rows, k), torch.randn(k, n)
    tw = ttnn.to_layout(to_dev(w, device, w_dtype, RM), TILE, pad_value=float("nan"))
    out = back(ttnn.linear(to_dev(x, device), tw))
    ref = x @ back(tw)
    assert tuple(out.shape) == (rows, n) and not torch.isnan(out).any()
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5 * k ** 0.5)


@pytest.mark.parametrize("fidelity", FIDELITIES)
@pytest.mark.parametrize("fp32_dest_acc", [True, False])
@pytest.mark.parametrize("in_dtype", [ttnn.float32, ttnn.bfloat16])
@pytest.mark.parametrize("layout", [TILE, RM])
@pytest.mark.parametrize("out_dtype", [ttnn.float32, ttnn.bfloat16])
def test_batched_fidelity_matches_engine_model(device, fidelity, fp32_dest_acc, in_dtype, layout, out_dtype):
    """Batched products (attention's heads) run item by item from storage to storage: each item as
    the engine model computes it, then rounded into the output dtype."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((4, 40, 96)).astype(np.float32)
    b = rng.standard_normal((4, 96, 48)).astype(np.float32)
    ta, tb = to_dev(torch.from_numpy(a), device, in_dtype, layout), to_dev(torch.from_numpy(b), device, in_dtype, layout)
    a_in, b_in = back(ta).numpy(), back(tb).numpy()
    is_fp32 = in_dtype == ttnn.float32
    out = back(ttnn.matmul(ta, tb, dtype=out_dtype, compute_kernel_config=config(fidelity, fp32_dest_acc))).numpy()
    ref = np.stack([engine_matmul(a_in[i], b_in[i], fidelity, fp32_dest_acc, is_fp32, is_fp32) for i in range(4)])
    bound = np.stack([abs_bound(a_in[i], b_in[i]) for i in range(4)])
    tol = (96 * 2.0**-23 if fp32_dest_acc else 2 * 2.0**-7) * bound + 1e-30
    if out_dtype == ttnn.bfloat16:
        ref = bf16_rne(ref)
        tol = tol + 2.0**-7 * np.abs(ref)  # one bf16 step where the two sums round to neighbours
    np.testing.assert_array_less(np.abs(out - ref), tol)
    assert np.mean(out == ref) > (0.9 if not fp32_dest_acc or out_dtype == ttnn.bfloat16 else 0.0)


@pytest.mark.parametrize("out_dtype", [ttnn.float32, ttnn.bfloat16, ttnn.bfloat8_b])
def test_batched_linear_bias_activation(device, fast_mode, out_dtype):
    """Per-item bias and activation, encoded into every output dtype (block floats in TILE)."""
    torch.manual_seed(4)
    a, w, bias = torch.randn(6, 37, 50), torch.randn(6, 50, 29), torch.randn(29)
    out = ttnn.linear(to_dev(a, device), to_dev(w, device), bias=to_dev(bias.reshape(1, -1), device),
                      activation="relu", dtype=out_dtype)
    assert tuple(out.shape) == (6, 37, 29) and out.dtype == out_dtype
    assert pcc(back(out), torch.relu(a @ w + bias)) > (0.999 if out_dtype == ttnn.bfloat8_b else 0.99999)


@pytest.mark.parametrize("fidelity", [ttnn.MathFidelity.LoFi, ttnn.MathFidelity.HiFi3])
def test_batched_float32_row_major_operands_are_not_changed(device, fidelity):
    torch.manual_seed(8)
    a, b = torch.randn(4, 20, 64), torch.randn(4, 64, 48)
    ta, tb = to_dev(a, device, layout=RM), to_dev(b, device, layout=RM)
    for _ in range(2):
        ttnn.matmul(ta, tb, compute_kernel_config=config(fidelity, True))
    assert torch.equal(back(ta), a) and torch.equal(back(tb), b)


@pytest.mark.parametrize("rows", [5, 40])
@pytest.mark.parametrize("fidelity", [ttnn.MathFidelity.LoFi, ttnn.MathFidelity.HiFi3])
def test_float32_row_major_operands_are_read_in_place_not_changed(device, rows, fidelity):
    # fp32 ROW_MAJOR operands are read without a copy; the fidelity passes that truncate operand
    # bits must work on a private copy, never on the caller's tensors.
    torch.manual_seed(9)
    a, b = torch.randn(rows, 64), torch.randn(64, 48)
    ta, tb = to_dev(a, device, layout=RM), to_dev(b, device, layout=RM)
    for _ in range(2):
        ttnn.matmul(ta, tb, compute_kernel_config=config(fidelity, True))
    assert torch.equal(back(ta), a) and torch.equal(back(tb), b)


def test_hifi4_bf16_is_exact_products_fp32_sums(device):
    torch.manual_seed(4)
    a, b = torch.randn(64, 256).bfloat16(), torch.randn(256, 64).bfloat16()
    out = back(ttnn.matmul(to_dev(a, device, ttnn.bfloat16), to_dev(b, device, ttnn.bfloat16), dtype=ttnn.float32,
                           compute_kernel_config=config(ttnn.MathFidelity.HiFi4, True)))
    ref = a.double() @ b.double()
    assert (out.double() - ref).abs().max() <= 256 * 2.0**-23 * (a.double().abs() @ b.double().abs()).max()


def test_fp32_dest_acc_off_is_coarser(device):
    torch.manual_seed(5)
    a, b = torch.randn(32, 1024), torch.randn(1024, 32)
    ta, tb = to_dev(a, device, ttnn.bfloat16), to_dev(b, device, ttnn.bfloat16)
    exact = back(ta).double() @ back(tb).double()
    err = {}
    for acc in (True, False):
        out = back(ttnn.matmul(ta, tb, dtype=ttnn.float32, compute_kernel_config=config(ttnn.MathFidelity.HiFi4, acc)))
        err[acc] = (out.double() - exact).abs().mean().item()
    assert err[False] > 10 * err[True]


@pytest.mark.parametrize("a_dtype,b_dtype,out_dtype,fidelity,fp32_acc", [
    (ttnn.bfloat16, ttnn.bfloat16, ttnn.float32, ttnn.MathFidelity.HiFi2, True),
    (ttnn.bfloat16, ttnn.bfloat16, ttnn.bfloat16, ttnn.MathFidelity.HiFi2, False),
    (ttnn.bfloat8_b, ttnn.bfloat8_b, ttnn.float32, ttnn.MathFidelity.LoFi, True),
    (ttnn.float32, ttnn.float32, ttnn.float32, ttnn.MathFidelity.HiFi4, True),
    (ttnn.bfloat16, ttnn.bfloat8_b, ttnn.bfloat16, ttnn.MathFidelity.HiFi2, False),
])
def test_default_compute_config_is_ttnns(device, a_dtype, b_dtype, out_dtype, fidelity, fp32_acc):
    rng = np.random.default_rng(6)
    ta = to_dev(torch.from_numpy(rng.standard_normal((33, 70)).astype(np.float32)), device, a_dtype)
    tb = to_dev(torch.from_numpy(rng.standard_normal((70, 40)).astype(np.float32)), device, b_dtype)
    a_in, b_in = back(ta).numpy(), back(tb).numpy()
    out = back(ttnn.matmul(ta, tb, dtype=out_dtype)).numpy()
    ref = engine_matmul(a_in, b_in, fidelity, fp32_acc, a_dtype == ttnn.float32, b_dtype == ttnn.float32)
    if out_dtype == ttnn.bfloat16:
        ref = bf16_rne(ref)
    bound = abs_bound(a_in, b_in)
    np.testing.assert_array_less(np.abs(out - ref), (2 * 2.0**-7 if out_dtype == ttnn.bfloat16 else 1e-5) * bound + 1e-30)


def test_program_config_or_core_grid_make_default_lofi(device):
    rng = np.random.default_rng(7)
    ta = to_dev(torch.from_numpy(rng.standard_normal((32, 64)).astype(np.float32)), device, ttnn.bfloat16)
    tb = to_dev(torch.from_numpy(rng.standard_normal((64, 32)).astype(np.float32)), device, ttnn.bfloat16)
    a_in, b_in = back(ta).numpy(), back(tb).numpy()
    lofi = engine_matmul(a_in, b_in, ttnn.MathFidelity.LoFi, True)
    pc = ttnn.MatmulMultiCoreReuseMultiCastProgramConfig(in0_block_w=2, per_core_M=1, per_core_N=1)
    assert pc.in0_block_w == 2
    for kwargs in ({"program_config": pc}, {"core_grid": ttnn.CoreGrid(y=2, x=4)}):
        out = back(ttnn.matmul(ta, tb, dtype=ttnn.float32, **kwargs)).numpy()
        np.testing.assert_allclose(out, lofi, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("a_dtype", [ttnn.bfloat16, ttnn.float32])
@pytest.mark.parametrize("b_dtype", [ttnn.bfloat16, ttnn.float32, ttnn.bfloat8_b])
@pytest.mark.parametrize("layout", [RM, TILE])
def test_faithful_dtypes_layouts(device, a_dtype, b_dtype, layout):
    torch.manual_seed(8)
    x, w, bias = torch.randn(3, 50, 96), torch.randn(96, 72) * 0.1, torch.randn(72)
    b_layout = TILE if b_dtype == ttnn.bfloat8_b else layout
    tx, tw = to_dev(x, device, a_dtype, layout), to_dev(w, device, b_dtype, b_layout)
    out = ttnn.linear(tx, tw, bias=to_dev(bias, device, a_dtype, RM), activation="relu")
    assert out.dtype == a_dtype and out.layout == layout
    assert tuple(out.shape) == (3, 50, 72)
    ref = torch.relu(back(tx) @ back(tw) + bias)
    threshold = {ttnn.bfloat16: 0.999, ttnn.float32: 0.9999}[a_dtype] if b_dtype != ttnn.bfloat8_b else 0.999
    assert pcc(back(out), ref) >= threshold


def test_output_dtype_and_memory_config(device):
    x, w = torch.randn(40, 64), torch.randn(64, 32)
    out = ttnn.matmul(to_dev(x, device, ttnn.bfloat16, RM), to_dev(w, device, ttnn.bfloat16, RM), dtype=ttnn.bfloat8_b,
                      memory_config=ttnn.L1_MEMORY_CONFIG)
    assert out.dtype == ttnn.bfloat8_b and out.layout == TILE
    assert out.memory_config() == ttnn.L1_MEMORY_CONFIG
    assert pcc(back(out), x @ w) > 0.99


def test_matmul_operator(device, fast_mode):
    a, b = torch.randn(2, 8, 16), torch.randn(16, 4)
    assert torch.allclose(back(to_dev(a, device) @ to_dev(b, device)), a @ b, atol=1e-4)


# ---- errors ------------------------------------------------------------------------------------------

def test_inner_dim_mismatch_names_both_shapes(device):
    with pytest.raises(ValueError, match=r"ttnn\.matmul.*\[4, 33\].*\[32, 8\]"):
        ttnn.matmul(to_dev(torch.randn(4, 33), device), to_dev(torch.randn(32, 8), device))


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda d, a, b: ttnn.matmul(a, b, activation="swish"), ValueError, "activation 'swish'"),
    (lambda d, a, b: ttnn.linear(a, b, bias=to_dev(torch.randn(5), d, layout=RM)), ValueError, "bias"),
    (lambda d, a, b: ttnn.matmul(a, b, program_config=3), TypeError, "program_config"),
    (lambda d, a, b: ttnn.matmul(a, b, core_grid=ttnn.CoreGrid(x=9, y=1)), ValueError, "core_grid"),
    (lambda d, a, b: ttnn.matmul(a, b, dtype=ttnn.int32), ValueError, "INT32"),
    (lambda d, a, b: ttnn.matmul(to_dev(torch.randn(2, 3, 8), d), to_dev(torch.randn(4, 8, 4), d)), ValueError,
     "broadcast"),
])
def test_errors(device, call, exc, pattern):
    a, b = to_dev(torch.randn(8, 16), device), to_dev(torch.randn(16, 12), device)
    with pytest.raises(exc, match=pattern):
        call(device, a, b)


def test_host_tensor_is_rejected():
    with pytest.raises(Exception, match="device"):
        ttnn.matmul(ttnn.from_torch(torch.randn(4, 4)), ttnn.from_torch(torch.randn(4, 4)))


# ---- threads, mesh, and the BLAS in one process with torch --------------------------------------------

def test_blas_backend_is_onednn_sgemm_and_single_threaded_openblas():
    """sgemm: oneDNN's (Debian's libdnnl, not libtorch's hidden copy) unless TTNN_SGEMM says
    otherwise; sgemv: OpenBLAS's OpenMP build, one thread per call."""
    info = ttnn._C.ops._gemm_backend_info()
    if os.environ.get("TTNN_SGEMM", "onednn") == "onednn":
        assert info["sgemm"] == "onednn" and "libdnnl.so" in info["library"], info
    assert info["openblas"], info["note"]
    assert "openblas-openmp" in info["openblas_library"]
    assert "USE_OPENMP" in info["config"]
    assert info["blas_threads"] == 1


@pytest.mark.parametrize("provider", ["openblas", "fallback"])
def test_other_sgemm_providers_agree(provider):
    """TTNN_SGEMM=openblas / fallback give the same products as oneDNN (fp32 summation order aside)."""
    code = textwrap.dedent("""
        import torch, ttnn
        torch.manual_seed(0)
        a, b = torch.randn(70, 300), torch.randn(300, 50)
        d = ttnn.open_device(device_id=0)
        ttnn.set_numerics_mode(ttnn.NumericsMode.FAST)
        got = ttnn.to_torch(ttnn.matmul(ttnn.from_torch(a, device=d, layout=ttnn.TILE_LAYOUT),
                                        ttnn.from_torch(b, device=d, layout=ttnn.TILE_LAYOUT)))
        assert torch.allclose(got, a @ b, atol=1e-3), (got - a @ b).abs().max()
        print(ttnn._C.ops._gemm_backend_info()["sgemm"])
    """)
    env = dict(os.environ, TTNN_SGEMM=provider)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == provider


def _thread_count():
    return len(os.listdir("/proc/self/task"))


def test_no_threads_beyond_the_device_pool(device):
    a, b = to_dev(torch.randn(256, 256), device), to_dev(torch.randn(256, 256), device)
    ttnn.matmul(a, b)
    before = _thread_count()
    for _ in range(3):
        ttnn.matmul(a, b)
        ttnn.linear(a, b, bias=to_dev(torch.randn(256), device, layout=RM), activation="gelu")
    assert _thread_count() == before


def test_single_thread_device_uses_one_core():
    dev = ttnn.open_device(device_id=1, num_threads=1)
    try:
        a, b = to_dev(torch.randn(512, 512), dev), to_dev(torch.randn(512, 512), dev)
        ttnn.matmul(a, b)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(4):
            ttnn.matmul(a, b)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert cpu <= 1.25 * wall, (cpu, wall)
    finally:
        ttnn.close_device(dev)


def test_mesh_data_parallel(mesh_device):
    torch.manual_seed(9)
    x, w, bias = torch.randn(4, 24, 64), torch.randn(64, 40), torch.randn(40)
    tx = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE, device=mesh_device,
                         mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0))
    tw = ttnn.from_torch(w, dtype=ttnn.bfloat16, layout=TILE, device=mesh_device,
                         mesh_mapper=ttnn.ReplicateTensorToMesh(mesh_device))
    tbias = ttnn.from_torch(bias, dtype=ttnn.bfloat16, layout=RM, device=mesh_device,
                            mesh_mapper=ttnn.ReplicateTensorToMesh(mesh_device))
    out = ttnn.linear(tx, tw, bias=tbias, activation="silu")
    got = ttnn.to_torch(out, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0)).float()
    ref = torch.nn.functional.silu(x.bfloat16().float() @ w.bfloat16().float() + bias.bfloat16().float())
    assert got.shape == ref.shape
    assert pcc(got, ref) >= 0.999


_COEXIST = textwrap.dedent("""
    import sys
    first = sys.argv[1]
    if first == "torch":
        import torch, ttnn
    else:
        import ttnn, torch
    torch.manual_seed(0)
    a, b = torch.randn(300, 200), torch.randn(200, 100)
    ref = torch.matmul(a, b)
    d = ttnn.open_device(device_id=0)
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAST)
    got = ttnn.to_torch(ttnn.matmul(ttnn.from_torch(a, device=d, layout=ttnn.TILE_LAYOUT),
                                    ttnn.from_torch(b, device=d, layout=ttnn.TILE_LAYOUT)))
    again = torch.matmul(a, b)
    ttnn.close_device(d)
    assert torch.allclose(got, ref, atol=1e-3), (got - ref).abs().max()
    assert torch.equal(again, ref)
    info = ttnn._C.ops._gemm_backend_info()
    assert info["sgemm"] == "onednn" and "libdnnl.so" in info["library"] and info["blas_threads"] == 1, info
    print("OK", torch.get_num_threads())
""")


@pytest.mark.parametrize("first", ["torch", "ttnn"])
def test_blas_coexists_with_torch(first):
    res = subprocess.run([sys.executable, "-c", _COEXIST, first], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("OK")
    # torch's own thread setting survives our BLAS calls.
    assert int(res.stdout.split()[1]) == torch.get_num_threads()
