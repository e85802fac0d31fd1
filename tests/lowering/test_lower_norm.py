"""Lowering of the norm family: native_layer_norm, inference batch norm, native_group_norm ->
ttnn.layer_norm / batch_norm / group_norm. (_fused_rms_norm and rms_norm decompose on CPU.)"""

import pytest
import torch
from lowering_check import compile_and_check
from torch import nn


def _kw(numerics, faithful_pcc=0.999):
    if numerics == "fast":
        return {"numerics": "fast", "min_pcc": 0.9999, "atol": 1e-4, "rtol": 1e-4}
    return {"min_pcc": faithful_pcc}


def _randomize(module):
    torch.manual_seed(0)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p) * 0.5 + (1.0 if p.dim() == 1 else 0.0))
    return module.eval()


def _lowered(metrics, op):
    return metrics["aten_ops"][op]["lowered"]


@pytest.mark.parametrize(
    "shape,normalized", [((4, 37), (37,)), ((2, 3, 64), (64,)), ((2, 5, 6, 7), (6, 7))]
)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_layer_norm(device, shape, normalized, affine, numerics):
    model = _randomize(nn.LayerNorm(normalized, elementwise_affine=affine, eps=1e-5))
    _, m = compile_and_check(model, [torch.randn(shape) * 2 + 1], device, **_kw(numerics))
    assert _lowered(m, "aten.native_layer_norm.default")


@pytest.mark.parametrize("normalized", [[8], [3, 8]], ids=["last", "last_two"])
def test_layer_norm_statistics(device, normalized):
    """native_layer_norm's saved mean and rstd (what a training graph's backward reads)."""
    fn = lambda x: torch.ops.aten.native_layer_norm(x, normalized, None, None, 1e-5)
    _, m = compile_and_check(fn, [torch.randn(2, 3, 8) * 3 + 1], device, numerics="fast", atol=1e-5, rtol=1e-5)
    assert _lowered(m, "aten.native_layer_norm.default")


@pytest.mark.parametrize("shape", [(2, 4, 5, 7), (1, 16, 32, 32), (3, 3, 1, 1)])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_batch_norm2d_eval(device, shape, numerics):
    model = nn.BatchNorm2d(shape[1])
    _randomize(model)
    model.running_mean.copy_(torch.randn(shape[1]))
    model.running_var.copy_(torch.rand(shape[1]) + 0.5)
    _, m = compile_and_check(model, [torch.randn(shape)], device, **_kw(numerics))
    assert _lowered(m, "aten._native_batch_norm_legit_no_training.default")


@pytest.mark.parametrize("shape", [(4, 6), (2, 6, 9)])
def test_batch_norm1d_eval(device, shape):
    model = nn.BatchNorm1d(6, affine=False)
    model.running_mean.copy_(torch.randn(6))
    model.running_var.copy_(torch.rand(6) + 0.5)
    compile_and_check(model.eval(), [torch.randn(shape)], device, **_kw("faithful"))


def test_native_batch_norm_inference(device):
    """native_batch_norm(training=False): dynamo hands it over as _native_batch_norm_legit_no_training
    (plain make_fx keeps aten::native_batch_norm; both have rules)."""
    w, b, rm, rv = torch.randn(5), torch.randn(5), torch.randn(5), torch.rand(5) + 0.5
    fn = lambda x: torch.ops.aten.native_batch_norm(x, w, b, rm, rv, False, 0.1, 1e-5)[0]
    _, m = compile_and_check(fn, [torch.randn(2, 5, 3, 3)], device, **_kw("fast"))
    assert all(e["lowered"] for op, e in m["aten_ops"].items() if "batch_norm" in op)


def test_native_batch_norm_legit_no_training(device):
    w, b, rm, rv = torch.randn(5), torch.randn(5), torch.randn(5), torch.rand(5) + 0.5
    fn = lambda x: torch.ops.aten._native_batch_norm_legit_no_training(x, w, b, rm, rv, 0.1, 1e-5)[
        0
    ]
    _, m = compile_and_check(fn, [torch.randn(2, 5, 3, 3)], device, **_kw("fast"))
    assert _lowered(m, "aten._native_batch_norm_legit_no_training.default")


@pytest.mark.parametrize(
    "shape,groups", [((2, 4, 5, 7), 2), ((1, 32, 8, 8), 8), ((3, 6, 11), 3), ((2, 8, 3, 4, 5), 4)]
)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_group_norm(device, shape, groups, affine, numerics):
    model = _randomize(nn.GroupNorm(groups, shape[1], affine=affine))
    _, m = compile_and_check(model, [torch.randn(shape) + 0.5], device, **_kw(numerics))
    assert _lowered(m, "aten.native_group_norm.default")
