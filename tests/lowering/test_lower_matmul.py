"""Lowering of the matmul family: aten::addmm / mm / bmm -> ttnn.linear / ttnn.matmul."""

import pytest
import torch
import ttnn
from lowering_check import compile_and_check
from torch import nn

# Fast numerics: the matrix engine still sees float32 operands as TF32 (ttnn's global numerics mode
# stays FAITHFUL inside programs), hence PCC and a loose allclose rather than exactness.
FAST = {"numerics": "fast", "min_pcc": 0.9999}
FAITHFUL_PCC = 0.999


def _linear(in_f, out_f, bias=True):
    torch.manual_seed(0)
    return nn.Linear(in_f, out_f, bias=bias).eval()


@pytest.mark.parametrize("shape", [(3, 8, 5), (1, 64, 32), (7, 33, 17), (32, 96, 64)])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_addmm_linear(device, shape, numerics):
    m, k, n = shape
    model = _linear(k, n)
    x = torch.randn(m, k)
    if numerics == "fast":
        _, metrics = compile_and_check(model, [x], device, atol=2e-2, rtol=1e-2, **FAST)
    else:
        _, metrics = compile_and_check(model, [x], device, min_pcc=FAITHFUL_PCC)
    assert metrics["aten_ops"]["aten.addmm.default"]["lowered"]


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_mm_linear_without_bias(device, numerics):
    model = _linear(24, 13, bias=False)
    x = torch.randn(5, 24)
    kw = FAST if numerics == "fast" else {"min_pcc": FAITHFUL_PCC}
    _, metrics = compile_and_check(model, [x], device, **kw)
    assert metrics["aten_ops"]["aten.mm.default"]["lowered"]


def test_linear_3d_input(device):
    """nn.Linear on [B, S, K]: view -> addmm -> view (the views are movement rules)."""
    model = _linear(16, 9)
    compile_and_check(model, [torch.randn(2, 5, 16)], device, min_pcc=FAITHFUL_PCC)


@pytest.mark.parametrize("shape", [(4, 6, 3), (17, 31, 9), (64, 64, 64)])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_mm(device, shape, numerics):
    m, k, n = shape
    kw = FAST if numerics == "fast" else {"min_pcc": FAITHFUL_PCC}
    _, metrics = compile_and_check(torch.mm, [torch.randn(m, k), torch.randn(k, n)], device, **kw)
    assert metrics["aten_ops"]["aten.mm.default"]["lowered"]


def test_mm_transposed_activation(device):
    """mm(a, b.t()) with b an input: the transpose is folded into transpose_b."""
    compile_and_check(
        lambda a, b: a @ b.t(),
        [torch.randn(5, 12), torch.randn(7, 12)],
        device,
        min_pcc=FAITHFUL_PCC,
    )


@pytest.mark.parametrize("shape", [(2, 3, 8, 5), (3, 17, 33, 9)])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_bmm(device, shape, numerics):
    b, m, k, n = shape
    kw = FAST if numerics == "fast" else {"min_pcc": FAITHFUL_PCC}
    _, metrics = compile_and_check(
        torch.bmm, [torch.randn(b, m, k), torch.randn(b, k, n)], device, **kw
    )
    assert metrics["aten_ops"]["aten.bmm.default"]["lowered"]


def test_matmul_4d_broadcast(device):
    """a @ b on rank-4 operands traces to expand/view + bmm (movement + matmul rules)."""
    compile_and_check(
        torch.matmul,
        [torch.randn(2, 3, 5, 8), torch.randn(2, 3, 8, 4)],
        device,
        min_pcc=FAITHFUL_PCC,
    )


@pytest.mark.parametrize("fidelity", ["LoFi", "HiFi2", "HiFi4"])
def test_math_fidelity_option(device, fidelity):
    model = _linear(64, 32)
    x = torch.randn(8, 64)
    compile_and_check(
        model,
        [x],
        device,
        min_pcc=0.99,
        math_fidelity=getattr(ttnn.MathFidelity, fidelity),
        fp32_dest_acc_en=fidelity == "HiFi4",
    )


def test_addmm_beta_alpha_stays_in_torch(device):
    fn = lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2.0)
    _, metrics = compile_and_check(
        fn, [torch.randn(3, 5), torch.randn(3, 4), torch.randn(4, 5)], device, expect_lowered=False
    )
    entry = metrics["aten_ops"]["aten.addmm.default"]
    assert not entry["lowered"] and "beta" in entry["reason"]


def test_addmm_full_bias_stays_in_torch(device):
    fn = lambda c, a, b: torch.addmm(c, a, b)
    _, metrics = compile_and_check(
        fn, [torch.randn(3, 5), torch.randn(3, 4), torch.randn(4, 5)], device, expect_lowered=False
    )
    entry = metrics["aten_ops"]["aten.addmm.default"]
    assert not entry["lowered"] and "bias" in entry["reason"]


def test_integer_mm_stays_in_torch(device):
    a = torch.randint(-3, 3, (3, 4))
    b = torch.randint(-3, 3, (4, 2))
    _, metrics = compile_and_check(torch.mm, [a, b], device, exact=True, expect_lowered=False)
    assert not metrics["aten_ops"]["aten.mm.default"]["lowered"]


@pytest.mark.parametrize("fidelity", ["LoFi", "HiFi2", "HiFi3", "HiFi4"])
@pytest.mark.parametrize("fp32_acc", [True, False])
@pytest.mark.parametrize("rows", [4, 40], ids=["few_rows", "blas"])
def test_constant_weight_masked_once_is_exact(device, fidelity, fp32_acc, rows):
    """A program decodes and masks a constant weight once (weight_engine_view) instead of on every
    call; the result is bit-identical to ttnn.linear doing it per call."""
    import torch_ttnn
    torch.manual_seed(0)
    model = nn.Linear(72, 40, bias=False).eval()
    x = torch.randn(rows, 72)
    option = torch_ttnn.TorchTtnnOption(device=device, math_fidelity=getattr(ttnn.MathFidelity, fidelity),
                                        fp32_dest_acc_en=fp32_acc)
    compiled = torch.compile(model, backend=torch_ttnn.backend, options=option)
    with torch.no_grad():
        got = [compiled(x) for _ in range(2)]  # the first call makes the masked copy, the second reuses it
    config = ttnn.WormholeComputeKernelConfig(math_fidelity=getattr(ttnn.MathFidelity, fidelity),
                                              fp32_dest_acc_en=fp32_acc)
    # Faithful programs hold activations as bf16 values (in float32 buffers), weights as bf16 tensors,
    # and round outputs to bf16.
    tx = ttnn.from_torch(x.bfloat16().float(), dtype=ttnn.float32, layout=ttnn.ROW_MAJOR_LAYOUT, device=device)
    tw = ttnn.from_torch(model.weight.detach(), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT, device=device)
    want = ttnn.to_torch(ttnn.linear(tx, tw, transpose_b=True, compute_kernel_config=config)).float()
    want = want.bfloat16().float()
    for g in got:
        assert torch.equal(g, want), (g - want).abs().max()
