"""Lowering of the attention family: F.scaled_dot_product_attention (traced on CPU as
aten::_scaled_dot_product_flash_attention_for_cpu) -> ttnn.transformer.scaled_dot_product_attention,
and a transformers-style attention block compiled with no op left in torch."""

import math

import pytest
import torch
import torch.nn.functional as F
import torch_ttnn
import ttnn
from lowering_check import compile_and_check
from torch import nn

SDPA = "aten._scaled_dot_product_flash_attention_for_cpu.default"


def _kw(numerics, faithful_pcc=0.995):
    if numerics == "fast":
        # Q K^T and P V still see float32 operands as TF32 (ttnn's numerics mode stays FAITHFUL).
        return {"numerics": "fast", "min_pcc": 0.9999, "atol": 1e-2, "rtol": 1e-2}
    return {"min_pcc": faithful_pcc}


def _qkv(b, h, sq, sk, d, hkv=None):
    torch.manual_seed(0)
    return [
        torch.randn(b, h, sq, d),
        torch.randn(b, hkv or h, sk, d),
        torch.randn(b, hkv or h, sk, d),
    ]


@pytest.mark.parametrize("shape", [(1, 2, 5, 5, 8), (2, 4, 33, 33, 16), (1, 3, 7, 19, 32)])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_sdpa(device, shape, causal, numerics):
    fn = lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    _, m = compile_and_check(fn, _qkv(*shape), device, **_kw(numerics))
    assert m["aten_ops"][SDPA]["lowered"]


@pytest.mark.parametrize("mask_shape", [(5, 9), (1, 1, 5, 9), (2, 3, 5, 9), (2, 1, 1, 9)])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_sdpa_additive_mask(device, mask_shape, numerics):
    q, k, v = _qkv(2, 3, 5, 9, 16)
    mask = torch.randn(mask_shape)
    fn = lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m)
    _, m = compile_and_check(fn, [q, k, v, mask], device, **_kw(numerics))
    assert m["aten_ops"][SDPA]["lowered"]


def test_sdpa_padding_mask_with_inf(device):
    q, k, v = _qkv(2, 2, 6, 6, 8)
    mask = torch.zeros(2, 1, 1, 6)
    mask[0, ..., 4:] = float("-inf")
    fn = lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m)
    compile_and_check(fn, [q, k, v, mask], device, **_kw("fast"))


@pytest.mark.parametrize("scale", [0.3, 1.0])
def test_sdpa_scale(device, scale):
    fn = lambda q, k, v: F.scaled_dot_product_attention(q, k, v, scale=scale, is_causal=True)
    compile_and_check(fn, _qkv(1, 2, 9, 9, 8), device, **_kw("faithful"))


def test_sdpa_3d_inputs(device):
    """Rank-3 inputs are unsqueezed by torch before the op (movement rules)."""
    fn = lambda q, k, v: F.scaled_dot_product_attention(q, k, v)
    compile_and_check(fn, [torch.randn(3, 5, 8) for _ in range(3)], device, **_kw("faithful"))


def test_sdpa_dropout_rejected():
    """torch never hands this op dropout_p > 0 on CPU (it takes the math path), so ask the rule table
    directly about such a node."""
    g = ttnn._C.graph
    graph = g.Graph()
    q = graph.add_input([1, 2, 5, 8], "f32", "q")
    outs = graph.add_node(
        "aten::_scaled_dot_product_flash_attention_for_cpu.default",
        [g.Ref(q), g.Ref(q), g.Ref(q), 0.25, False, None, None],
        {},
        [([1, 2, 5, 8], "f32"), ([1, 2, 5], "f32")],
        "sdpa",
    )
    graph.set_outputs([outs[0]])
    (reason,) = g.support_reasons(graph, torch_ttnn.TorchTtnnOption().lower_options())
    assert "dropout_p" in reason


def test_sdpa_logsumexp_read_stays_in_torch(device):
    fn = lambda q, k, v: torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(q, k, v)
    _, m = compile_and_check(fn, _qkv(1, 2, 5, 5, 8), device, expect_lowered=False)
    entry = m["aten_ops"][SDPA]
    assert not entry["lowered"] and "logsumexp" in entry["reason"]


class _SelfAttention(nn.Module):
    """transformers-style: q/k/v linears, heads split, softmax(q @ k^T / sqrt(d) + mask) @ v, out linear."""

    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))

    def forward(self, x, mask):
        b, n, _ = x.shape

        def split(t):
            return t.view(b, n, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask
        probs = F.softmax(scores, dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).contiguous().reshape(b, n, -1)
        return self.o(out)


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_attention_block(device, numerics):
    torch.manual_seed(0)
    model = _SelfAttention().eval()
    x = torch.randn(2, 7, 32)
    mask = torch.zeros(2, 1, 7, 7)
    mask[1, ..., 5:] = -1e4
    _, m = compile_and_check(model, [x, mask], device, **_kw(numerics, faithful_pcc=0.99))
    for op in ("aten.addmm.default", "aten.bmm.default", "aten._softmax.default"):
        assert m["aten_ops"][op]["lowered"]


def test_attention_block_sdpa(device):
    """The same block written with F.scaled_dot_product_attention (causal)."""

    class Block(_SelfAttention):
        def forward(self, x):
            b, n, _ = x.shape

            def split(t):
                return t.view(b, n, self.heads, self.head_dim).transpose(1, 2)

            out = F.scaled_dot_product_attention(
                split(self.q(x)), split(self.k(x)), split(self.v(x)), is_causal=True
            )
            return self.o(out.transpose(1, 2).reshape(b, n, -1))

    torch.manual_seed(0)
    compile_and_check(
        Block().eval(), [torch.randn(2, 9, 32)], device, **_kw("faithful", faithful_pcc=0.99)
    )
