"""ttnn.transformer.scaled_dot_product_attention against torch.nn.functional.scaled_dot_product_attention."""

import math

import pytest
import torch

import ttnn

TILE, RM = ttnn.TILE_LAYOUT, ttnn.ROW_MAJOR_LAYOUT
sdpa = ttnn.transformer.scaled_dot_product_attention


def pcc(x, y):
    return torch.corrcoef(torch.stack([x.double().flatten(), y.double().flatten()]))[0, 1].item()


@pytest.fixture
def fast_mode():
    ttnn.set_numerics_mode(ttnn.NumericsMode.FAST)
    try:
        yield
    finally:
        ttnn.set_numerics_mode(ttnn.NumericsMode.FAITHFUL)


def dev(x, device, dtype=ttnn.float32, layout=TILE):
    return ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)


def reference(q, k, v, mask=None, causal=False, scale=None):
    if k.shape[1] != q.shape[1]:  # grouped-query attention
        rep = q.shape[1] // k.shape[1]
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
    return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal, scale=scale)


CASES = [  # b, nh, nkv, sq, sk, d, causal, masked, scale
    (1, 2, 2, 64, 64, 32, True, False, None),
    (2, 4, 4, 50, 50, 64, True, False, None),       # not a multiple of 32
    (1, 3, 3, 40, 72, 32, False, False, 0.3),       # cross attention, explicit scale
    (2, 2, 2, 33, 33, 16, False, True, None),       # additive mask
    (1, 8, 2, 64, 64, 32, True, False, None),       # GQA
    (2, 4, 1, 130, 130, 32, False, True, None),     # MQA with mask, two row blocks
]


@pytest.mark.parametrize("b,nh,nkv,sq,sk,d,causal,masked,scale", CASES)
def test_fast_matches_torch(device, fast_mode, b, nh, nkv, sq, sk, d, causal, masked, scale):
    torch.manual_seed(0)
    q, k, v = torch.randn(b, nh, sq, d), torch.randn(b, nkv, sk, d), torch.randn(b, nkv, sk, d)
    mask = None
    if masked:
        mask = torch.where(torch.rand(b, 1, sq, sk) < 0.2, float("-inf"), torch.randn(b, 1, sq, sk))
        mask[..., 0] = 0.0  # every row keeps a key
    out = sdpa(dev(q, device), dev(k, device), dev(v, device), attn_mask=None if mask is None else dev(mask, device),
               is_causal=causal, scale=scale)
    got = ttnn.to_torch(out).float()
    ref = reference(q, k, v, mask, causal, scale)
    assert got.shape == ref.shape
    assert torch.allclose(got, ref, rtol=1e-4, atol=1e-4), (got - ref).abs().max()
    assert pcc(got, ref) >= 0.9999


@pytest.mark.parametrize("dtype,layout", [(ttnn.bfloat16, TILE), (ttnn.bfloat16, RM), (ttnn.bfloat8_b, TILE),
                                          (ttnn.float32, TILE)])
def test_faithful_dtypes(device, dtype, layout):
    torch.manual_seed(1)
    q, k, v = torch.randn(1, 4, 96, 64), torch.randn(1, 2, 96, 64), torch.randn(1, 2, 96, 64)
    tq, tk, tv = dev(q, device, dtype, layout), dev(k, device, dtype, layout), dev(v, device, dtype, layout)
    out = sdpa(tq, tk, tv)
    assert out.dtype == dtype and out.layout == layout
    ref = reference(*(ttnn.to_torch(t).float() for t in (tq, tk, tv)), causal=True)
    assert pcc(ttnn.to_torch(out).float(), ref) >= (0.999 if dtype != ttnn.bfloat8_b else 0.99)


def test_faithful_fidelity_changes_result(device):
    torch.manual_seed(2)
    q, k, v = (dev(torch.randn(1, 2, 64, 64), device) for _ in range(3))
    cfg = [ttnn.WormholeComputeKernelConfig(math_fidelity=f, fp32_dest_acc_en=True)
           for f in (ttnn.MathFidelity.LoFi, ttnn.MathFidelity.HiFi4)]
    lo, hi = (ttnn.to_torch(sdpa(q, k, v, compute_kernel_config=c)).float() for c in cfg)
    ref = reference(*(ttnn.to_torch(t).float() for t in (q, k, v)), causal=True)
    assert (lo - ref).abs().mean() > (hi - ref).abs().mean()
    assert pcc(hi, ref) >= 0.999


def test_program_config_is_accepted(device):
    q = dev(torch.randn(1, 1, 32, 32), device, ttnn.bfloat16)
    pc = ttnn.SDPAProgramConfig(compute_with_storage_grid_size=ttnn.CoreCoord(8, 8), q_chunk_size=32, k_chunk_size=32)
    assert pc.q_chunk_size == 32
    assert tuple(sdpa(q, q, q, program_config=pc).shape) == (1, 1, 32, 32)
    with pytest.raises(TypeError, match="program_config"):
        sdpa(q, q, q, program_config="fast")


def test_errors(device):
    q = dev(torch.randn(1, 3, 32, 32), device)
    kv = dev(torch.randn(1, 2, 32, 32), device)
    with pytest.raises(ValueError, match="multiple of key/value heads"):
        sdpa(q, kv, kv)
    mask = dev(torch.zeros(1, 1, 32, 32), device)
    with pytest.raises(ValueError, match="is_causal"):
        sdpa(q, q, q, attn_mask=mask)
    with pytest.raises(ValueError, match="attn_mask"):
        sdpa(q, q, q, attn_mask=dev(torch.zeros(1, 1, 32, 31), device), is_causal=False)
    with pytest.raises(ValueError, match="head_dim"):
        sdpa(dev(torch.randn(3, 32, 32), device), q, q)


def test_mesh_batch_parallel(mesh_device):
    torch.manual_seed(3)
    q, k, v = torch.randn(2, 2, 64, 32), torch.randn(2, 2, 64, 32), torch.randn(2, 2, 64, 32)
    shard = ttnn.ShardTensorToMesh(mesh_device, dim=0)
    args = [ttnn.from_torch(t, dtype=ttnn.bfloat16, layout=TILE, device=mesh_device, mesh_mapper=shard)
            for t in (q, k, v)]
    out = ttnn.to_torch(sdpa(*args), mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0)).float()
    ref = reference(q.bfloat16().float(), k.bfloat16().float(), v.bfloat16().float(), causal=True)
    assert pcc(out, ref) >= 0.999
    assert math.isclose(out.abs().mean().item(), ref.abs().mean().item(), rel_tol=0.02)
