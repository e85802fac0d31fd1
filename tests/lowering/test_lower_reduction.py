"""Lowering of the reduction family: softmax / log_softmax, sum, mean, amax / amin, max / min,
argmax / argmin, var / std / var_mean, prod, cumsum, topk, any / all."""

import pytest
import torch
import torch.nn.functional as F
from lowering_check import compile_and_check

SHAPES = [(4, 37), (2, 3, 5), (3, 32, 33)]


def _check(fn, inputs, device, numerics, faithful_pcc=0.999, exact_fast=False, **kw):
    if numerics == "fast":
        if exact_fast:
            return compile_and_check(fn, inputs, device, exact=True, numerics="fast", **kw)
        return compile_and_check(
            fn, inputs, device, min_pcc=0.9999, atol=1e-4, rtol=1e-4, numerics="fast", **kw
        )
    return compile_and_check(fn, inputs, device, min_pcc=faithful_pcc, **kw)


def _lowered(metrics, op):
    return metrics["aten_ops"][op]["lowered"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dim", [-1, 0, 1])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_softmax(device, shape, dim, numerics):
    _, m = _check(lambda x: F.softmax(x, dim), [torch.randn(shape) * 3], device, numerics)
    assert _lowered(m, "aten._softmax.default")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dim", [-1, 0])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_log_softmax(device, shape, dim, numerics):
    _, m = _check(lambda x: F.log_softmax(x, dim), [torch.randn(shape) * 3], device, numerics)
    assert _lowered(m, "aten._log_softmax.default")


def test_log_softmax_large_logits(device):
    """Stable for logits whose softmax underflows: log_softmax stays finite."""
    x = torch.tensor([[0.0, -200.0, 300.0, 5.0]])
    compile_and_check(lambda t: F.log_softmax(t, -1), [x], device, min_pcc=0.9999, numerics="fast")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "dims,keepdim", [((1,), False), ((-1,), True), ((0, -1), False), (None, False)]
)
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_sum_dim(device, shape, dims, keepdim, numerics):
    if dims is None:
        fn = lambda x: x.sum(dim=[], keepdim=keepdim)
    else:
        fn = lambda x: x.sum(dims, keepdim=keepdim)
    _, m = _check(fn, [torch.randn(shape)], device, numerics)
    assert _lowered(m, "aten.sum.dim_IntList")


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_sum_all(device, numerics):
    _, m = _check(lambda x: x.sum() + 0 * x.sum(), [torch.randn(5, 7)], device, numerics)
    assert _lowered(m, "aten.sum.default")


def test_sum_int_and_bool(device):
    x = torch.randint(-50, 50, (3, 9), dtype=torch.int32)
    compile_and_check(lambda t: t.sum(1), [x], device, exact=True)
    compile_and_check(
        lambda t: t.sum(1, dtype=torch.float32), [x], device, exact=True, numerics="fast"
    )
    compile_and_check(
        lambda t: (t > 0).sum(-1, keepdim=True), [torch.randn(4, 11)], device, exact=True
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_mean(device, shape, numerics):
    _, m = _check(
        lambda x: (x.mean(-1, keepdim=True), x.mean((0, 1)), x.mean()),
        [torch.randn(shape)],
        device,
        numerics,
    )
    assert _lowered(m, "aten.mean.dim") and _lowered(m, "aten.mean.default")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_amax_amin(device, shape, numerics):
    fn = lambda x: (x.amax(1), x.amin((0, -1), keepdim=True), x.amax())
    x = torch.randn(shape)
    if numerics == "faithful":
        x = x.bfloat16().float()  # bf16-exact inputs: selecting values is then exact
    _, m = compile_and_check(fn, [x], device, exact=True, numerics=numerics)
    assert _lowered(m, "aten.amax.default") and _lowered(m, "aten.amin.default")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_dim(device, shape, keepdim):
    x = torch.randn(shape).bfloat16().float()
    fn = lambda t: (t.max(1, keepdim=keepdim), t.min(-1, keepdim=keepdim))
    _, m = compile_and_check(fn, [x], device, exact=True)
    assert _lowered(m, "aten.max.dim") and _lowered(m, "aten.min.dim")


def test_max_min_all_and_int(device):
    compile_and_check(
        lambda t: (t.max(), t.min()), [torch.randn(6, 35)], device, exact=True, numerics="fast"
    )
    x = torch.randint(-1000, 1000, (4, 13), dtype=torch.int32)
    compile_and_check(lambda t: (t.max(1), t.amin(0)), [x], device, exact=True)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (-1, True), (0, True)])
def test_argmax_argmin(device, shape, dim, keepdim):
    x = torch.randn(shape)
    fn = lambda t: (t.argmax(dim, keepdim=keepdim), t.argmin(dim, keepdim=keepdim))
    _, m = compile_and_check(fn, [x], device, exact=True, numerics="fast")
    assert _lowered(m, "aten.argmax.default") and _lowered(m, "aten.argmin.default")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_var_std(device, shape, correction, numerics):
    fn = lambda x: (
        x.var(-1, correction=correction),
        x.std((0, 1), correction=correction, keepdim=True),
        torch.var_mean(x, 1, correction=correction),
    )
    _, m = _check(fn, [torch.randn(shape)], device, numerics)
    for op in ("aten.var.correction", "aten.std.correction", "aten.var_mean.correction"):
        assert _lowered(m, op)


def test_var_fractional_correction_stays_in_torch(device):
    _, m = compile_and_check(
        lambda x: x.var(1, correction=0.5), [torch.randn(3, 8)], device, expect_lowered=False
    )
    assert not _lowered(m, "aten.var.correction")
    assert "correction" in m["aten_ops"]["aten.var.correction"]["reason"]


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_prod(device, numerics):
    x = torch.rand(3, 7) + 0.5
    _, m = _check(lambda t: (t.prod(1), t.prod(0, keepdim=True), t.prod()), [x], device, numerics)
    assert _lowered(m, "aten.prod.dim_int") and _lowered(m, "aten.prod.default")


def test_prod_int(device):
    x = torch.randint(-3, 4, (3, 5), dtype=torch.int32)
    compile_and_check(lambda t: t.prod(1), [x], device, exact=True)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_cumsum(device, shape, dim, numerics):
    _, m = _check(lambda x: x.cumsum(dim), [torch.randn(shape)], device, numerics)
    assert _lowered(m, "aten.cumsum.default")


def test_cumsum_int_and_bool(device):
    compile_and_check(
        lambda t: t.cumsum(1),
        [torch.randint(-9, 9, (3, 40), dtype=torch.int32)],
        device,
        exact=True,
    )
    compile_and_check(lambda t: (t > 0).cumsum(0), [torch.randn(6, 3)], device, exact=True)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("k,dim,largest", [(1, -1, True), (3, -1, False), (2, 0, True)])
def test_topk(device, shape, k, dim, largest):
    x = torch.randn(shape)
    _, m = compile_and_check(
        lambda t: t.topk(k, dim, largest=largest), [x], device, exact=True, numerics="fast"
    )
    assert _lowered(m, "aten.topk.default")


def test_topk_faithful(device):
    x = (torch.randperm(200).float() / 8).reshape(4, 50)  # distinct, bf16-exact values
    compile_and_check(lambda t: torch.topk(t, 5), [x], device, exact=True)


@pytest.mark.parametrize("keepdim", [False, True])
def test_any_all(device, keepdim):
    x = torch.rand(5, 9) - 0.7
    x[0] = -1.0
    x[1] = 1.0

    def fn(t):
        b = t > 0
        return (
            b.any(1, keepdim=keepdim),
            b.all(1, keepdim=keepdim),
            b.any(),
            b.all(),
            torch.any(b, dim=(0, 1)),
        )

    _, m = compile_and_check(fn, [x], device, exact=True)
    assert _lowered(m, "aten.any.dim")  # all() traces to not(any(not x))


def test_any_of_floats_stays_in_torch(device):
    _, m = compile_and_check(lambda x: x.any(1), [torch.randn(3, 4)], device, expect_lowered=False)
    assert not _lowered(m, "aten.any.dim")
