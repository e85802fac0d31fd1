"""Lowering of the indexing family (src/lower/indexing.cpp): advanced indexing on consecutive dims,
index_put (training graphs get it as the gradient of an index or an upsample) and scatter."""

import pytest
import torch
import torch.nn.functional as F
from lowering_check import compile_and_check

import torch_ttnn

aten = torch.ops.aten


@pytest.mark.parametrize("fn", [
    lambda x, i, j: x[:, i, j],
    lambda x, i, j: x[:, :, i.view(2, 1), j],
    lambda x, i, j: x[i, j, :, 1:3],
], ids=["middle", "trailing_broadcast", "leading"])
def test_index_on_consecutive_dims(device, fn):
    x = torch.randn(3, 4, 5, 6)
    i, j = torch.tensor([0, -1]), torch.tensor([3, 1])
    compile_and_check(fn, [x, i, j], device, exact=True, numerics="fast")


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("case", ["leading", "middle", "broadcast_values", "negative"])
def test_index_put(device, accumulate, case):
    torch.manual_seed(0)
    x = torch.randn(4, 5, 6)
    if case == "leading":
        idx, values = [torch.tensor([2, 0, 3])], torch.randn(3, 5, 6)
    elif case == "middle":
        idx, values = [None, torch.tensor([4, 1]), torch.tensor([0, 5])], torch.randn(4, 2)
    elif case == "broadcast_values":
        idx, values = [torch.tensor([1, 3]), torch.tensor([[2], [0]])], torch.randn(6)
    else:
        idx, values = [torch.tensor([-1, 0])], torch.randn(2, 5, 6)
    if accumulate:  # repeated targets are summed
        idx = [None if t is None else torch.cat([t, t]) for t in idx]
        values = torch.cat([values, values]) if case in ("leading", "negative") else values

    def fn(x, v):
        return aten.index_put.default(x, idx, v, accumulate)

    if accumulate and case in ("middle", "broadcast_values"):
        values = values if case == "broadcast_values" else torch.randn(4, 4)
    compile_and_check(fn, [x, values], device, numerics="fast", min_pcc=0.99999, atol=1e-5)


def test_index_put_faithful_bf16(device):
    x, v = torch.randn(6, 8), torch.randn(4, 8)
    idx = torch.tensor([5, 0, 5, 2])
    compile_and_check(lambda x, v: aten.index_put.default(x, [idx], v, True), [x, v], device, min_pcc=0.999)


@pytest.mark.parametrize("op", ["scatter", "scatter_add", "scatter_reduce_sum"])
def test_scatter(device, op):
    torch.manual_seed(1)
    x, src = torch.randn(4, 6), torch.randn(3, 6)
    index = torch.stack([torch.randperm(4)[:3] for _ in range(6)], 1)  # distinct targets per column
    fns = {"scatter": lambda x, s: x.scatter(0, index, s),
           "scatter_add": lambda x, s: x.scatter_add(0, index, s),
           "scatter_reduce_sum": lambda x, s: x.scatter_reduce(-2, index, s, "sum")}
    compile_and_check(fns[op], [x, src], device, numerics="fast", exact=op == "scatter", min_pcc=0.99999)


def test_scatter_reduce_amax_stays_in_torch(device):
    x, src, index = torch.randn(4, 6), torch.randn(3, 6), torch.zeros(3, 6, dtype=torch.long)
    _, metrics = compile_and_check(lambda x, s: x.scatter_reduce(0, index, s, "amax"), [x, src], device,
                                   expect_lowered=False, exact=True)
    entry = metrics["aten_ops"]["aten.scatter_reduce.two"]
    assert not entry["lowered"] and "amax" in entry["reason"]


class Upsample(torch.nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.mode = mode

    def forward(self, x):
        y = self.conv(x)
        kw = {} if self.mode == "nearest" else {"align_corners": False}
        return F.interpolate(y, scale_factor=2, mode=self.mode, **kw)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_upsample_training_has_no_op_left_in_torch(device, mode, tmp_path):
    """The upsample's gradient reaches index_put: the whole training step runs on TT-NN."""
    import json

    torch.manual_seed(2)
    model = Upsample(mode)
    path = tmp_path / "metrics.json"
    option = torch_ttnn.TorchTtnnOption(device=device, metrics_path=str(path), numerics="fast")
    compiled = torch.compile(model, backend=torch_ttnn.backend, options=option)
    x = torch.randn(2, 3, 7, 9)
    x1, x2 = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    (model(x1) ** 2).sum().backward()
    ref = [x1.grad] + [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    (compiled(x2) ** 2).sum().backward()
    got = [x2.grad] + [p.grad for p in model.parameters()]
    for r, g in zip(ref, got):
        torch.testing.assert_close(g, r, rtol=1e-4, atol=1e-4)
    remaining = {op: e["reason"] for op, e in json.loads(path.read_text())["aten_ops"].items() if not e["lowered"]}
    assert not remaining, remaining
