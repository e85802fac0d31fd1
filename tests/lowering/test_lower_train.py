"""Lowering of the ops aot_autograd adds to CNN training graphs: convolution_backward,
_native_batch_norm_legit_functional (training batch norm with the running-stat update),
max_pool2d_with_indices (indices used) with max_pool2d_with_indices_backward, and
avg_pool2d_backward. Each test runs forward + backward through torch.compile on a tiny module and
compares the output, the gradients of the input and of every parameter, and the buffers with
eager."""

import copy
import json
import os
import tempfile

import pytest
import torch
import torch.nn.functional as F
from lowering_check import pcc
from torch import nn

import torch_ttnn

FAST = {"numerics": "fast", "min_pcc": 0.9999, "atol": 1e-4, "rtol": 1e-4}


def _loss_weights(out):
    # A fixed random projection: a plain sum's gradient through training batch norm cancels.
    g = torch.Generator().manual_seed(1)
    return torch.randn(out.shape, generator=g)


def _step(model, inputs):
    out = model(*inputs)
    (out * _loss_weights(out)).sum().backward()
    return out


def train_and_check(model, inputs, device, *, overloads=(), min_pcc=0.9999, atol=None, rtol=None,
                    expect_lowered=True, numerics="fast"):
    """One forward + backward eagerly and compiled; returns the metrics dict.

    overloads: ATen ops that must appear in the traced graphs and be lowered."""
    eager_model, compiled_model = model, copy.deepcopy(model)
    eager_in = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    comp_in = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "metrics.json")
        option = torch_ttnn.TorchTtnnOption(device=device, metrics_path=path, numerics=numerics)
        compiled = torch.compile(compiled_model, backend=torch_ttnn.backend, options=option)
        expected = _step(eager_model, eager_in)
        got = _step(compiled, comp_in)
        with open(path) as f:
            metrics = json.load(f)
    kinds = {g["name"].split("_")[0] for g in metrics["graphs"]}
    assert {"forward", "backward"} <= kinds, f"expected forward and backward graphs, got {kinds}"
    for op in overloads:
        entry = metrics["aten_ops"].get(op)
        assert entry is not None, f"{op} is not in the traced graphs: {sorted(metrics['aten_ops'])}"
        assert entry["lowered"], f"{op} stayed in torch: {entry['reason']}"
    if expect_lowered:
        remaining = {op: e["reason"] for op, e in metrics["aten_ops"].items() if not e["lowered"]}
        assert metrics["ops_after_in_torch"] == 0, f"ops left in torch: {remaining}"

    pairs = [("output", expected, got)]
    pairs += [(f"input {i} grad", a.grad, b.grad) for i, (a, b) in enumerate(zip(eager_in, comp_in))
              if a.requires_grad]
    compiled_params = dict(compiled_model.named_parameters())
    pairs += [(f"{name}.grad", p.grad, compiled_params[name].grad) for name, p in eager_model.named_parameters()]
    compiled_buffers = dict(compiled_model.named_buffers())
    pairs += [(name, b, compiled_buffers[name]) for name, b in eager_model.named_buffers()]
    for what, e, g in pairs:
        assert (e is None) == (g is None), f"{what}: eager {e is None}, compiled {g is None}"
        if e is None:
            continue
        assert e.shape == g.shape, f"{what}: shape {tuple(g.shape)} != eager {tuple(e.shape)}"
        assert e.dtype == g.dtype, f"{what}: dtype {g.dtype} != eager {e.dtype}"
        if not e.is_floating_point():
            assert torch.equal(e, g), f"{what}: {g} != eager {e}"
            continue
        p = pcc(e, g)
        assert p >= min_pcc, f"{what}: PCC {p:.6f} < {min_pcc}"
        if atol is not None:
            torch.testing.assert_close(g, e, atol=atol, rtol=rtol or 0.0, msg=lambda m: f"{what}: {m}")
    return metrics


def _fast(**over):
    kw = dict(FAST)
    kw.update(over)
    return kw


# ---- convolution_backward ----

CONV = [
    # (N, Cin, H, W, Cout, kernel, stride, padding, dilation, groups, bias)
    (2, 4, 9, 9, 6, 3, 1, 1, 1, 1, True),
    (2, 5, 17, 13, 7, 3, 2, 0, 1, 1, False),       # stride 2, odd sizes: output_padding matters
    (1, 4, 16, 16, 8, 3, 2, 1, 1, 1, True),        # stride 2 with padding, even size
    (1, 8, 15, 14, 6, (3, 5), (2, 1), (1, 2), 1, 1, True),
    (2, 6, 19, 21, 6, 3, 1, 2, 2, 1, True),        # dilation
    (1, 6, 20, 20, 4, 3, 2, 1, 2, 1, False),       # dilation and stride
    (2, 8, 12, 10, 12, 3, 1, 1, 1, 4, True),       # grouped
    (2, 6, 11, 11, 4, 3, 2, 1, 1, 2, False),       # grouped, strided
    (2, 16, 14, 14, 16, 3, 2, 1, 1, 16, False),    # depthwise
    (1, 8, 10, 10, 16, 3, 1, 1, 1, 8, True),       # depthwise with a channel multiplier
    (2, 12, 9, 9, 24, 1, 1, 0, 1, 1, True),        # pointwise
    (2, 3, 33, 31, 8, 7, 2, 3, 1, 1, False),       # stem-like
]


def _conv_ids(c):
    return "n{}c{}h{}w{}o{}k{}s{}p{}d{}g{}b{}".format(*c).replace(" ", "").replace("(", "").replace(")", "") \
        .replace(",", "x")


class _ConvNet(nn.Module):
    """conv -> relu -> conv: the second convolution needs grad_input, grad_weight and grad_bias."""

    def __init__(self, cfg):
        super().__init__()
        n, cin, h, w, cout, k, s, p, d, g, bias = cfg
        self.pre = nn.Conv2d(cin, cin, 1)
        self.conv = nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=g, bias=bias)

    def forward(self, x):
        return self.conv(torch.relu(self.pre(x)))


@pytest.mark.parametrize("cfg", CONV, ids=_conv_ids)
def test_convolution_backward(device, cfg):
    torch.manual_seed(0)
    model = _ConvNet(cfg)
    n, cin, h, w = cfg[:4]
    train_and_check(model, [torch.randn(n, cin, h, w)], device, overloads=["aten.convolution_backward.default"],
                    **_fast(atol=2e-4, rtol=1e-4))


@pytest.mark.parametrize("cfg", [CONV[1], CONV[6], CONV[8]], ids=_conv_ids)
def test_convolution_backward_first_layer(device, cfg):
    """The input needs no gradient: output_mask[0] is False and grad_input is None."""
    torch.manual_seed(0)
    n, cin, h, w, cout, k, s, p, d, g, bias = cfg
    model = nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=g, bias=bias)
    x = torch.randn(n, cin, h, w)  # train_and_check makes float inputs require grad: wrap it
    model_fn = _NoGradInput(model, x)
    metrics = train_and_check(model_fn, [], device, overloads=["aten.convolution_backward.default"],
                              **_fast(atol=2e-4, rtol=1e-4))
    sigs = metrics["input_variations"]["aten.convolution_backward.default"]
    assert any("[False, True" in s for s in sigs), sigs


class _NoGradInput(nn.Module):
    """The module applied to a fixed input (a buffer), so no input gradient is asked for."""

    def __init__(self, inner, x):
        super().__init__()
        self.inner = inner
        self.register_buffer("x", x)

    def forward(self):
        return self.inner(self.x)


def test_convolution_backward_faithful(device):
    torch.manual_seed(0)
    model = _ConvNet(CONV[7])
    train_and_check(model, [torch.randn(2, 6, 11, 11)], device, overloads=["aten.convolution_backward.default"],
                    numerics="faithful", min_pcc=0.99)


def test_convolution_backward_3d_stays_in_torch(device):
    torch.manual_seed(0)
    model = nn.Conv3d(2, 3, 3)
    metrics = train_and_check(model, [torch.randn(1, 2, 5, 5, 5)], device, expect_lowered=False, **FAST)
    entry = metrics["aten_ops"]["aten.convolution_backward.default"]
    assert not entry["lowered"] and "rank 5" in entry["reason"]


TRANSPOSED = [
    # (Cin, Cout, kernel, stride, padding, output_padding, dilation, groups)
    (4, 3, 3, 2, 0, 0, 1, 1),
    (4, 6, 2, 2, 0, 0, 1, 1),        # U-Net's up-convolution
    (6, 4, 3, 2, 1, 1, 1, 2),        # grouped, output_padding
    (3, 5, (3, 2), (1, 2), (1, 0), 0, (2, 1), 1),
]


@pytest.mark.parametrize("cfg", TRANSPOSED, ids=[str(c) for c in TRANSPOSED])
def test_convolution_backward_transposed(device, cfg):
    cin, cout, k, s, p, op, d, g = cfg
    torch.manual_seed(0)
    model = nn.ConvTranspose2d(cin, cout, k, stride=s, padding=p, output_padding=op, dilation=d, groups=g)
    train_and_check(model, [torch.randn(2, cin, 7, 6)], device, overloads=["aten.convolution_backward.default"],
                    **FAST)


@pytest.mark.parametrize("cfg", [(4, 6, 3, 1, 1, 1, 1), (4, 8, 5, 2, 2, 1, 2), (6, 6, 3, 1, 2, 2, 6), (8, 3, 1, 1, 0, 1, 1)],
                         ids=["k3", "strided_grouped", "depthwise_dilated", "pointwise"])
def test_convolution_backward_1d(device, cfg):
    cin, cout, k, s, p, d, g = cfg
    torch.manual_seed(0)
    model = nn.Conv1d(cin, cout, k, stride=s, padding=p, dilation=d, groups=g)
    train_and_check(model, [torch.randn(2, cin, 19)], device, overloads=["aten.convolution_backward.default"], **FAST)


def test_convolution_transpose_1d_backward(device):
    torch.manual_seed(0)
    model = nn.ConvTranspose1d(4, 3, 4, stride=2, padding=1)
    train_and_check(model, [torch.randn(2, 4, 9)], device, overloads=["aten.convolution_backward.default"], **FAST)


# ---- training batch norm ----

BN = "aten._native_batch_norm_legit_functional.default"


@pytest.mark.parametrize("shape", [(2, 4, 5, 7), (4, 16, 8, 8), (8, 3, 1, 1)])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_train(device, shape, affine):
    torch.manual_seed(0)
    model = nn.BatchNorm2d(shape[1], affine=affine, momentum=0.3)
    with torch.no_grad():
        model.running_mean.uniform_(-1, 1)
        model.running_var.uniform_(0.5, 2)
        if affine:
            model.weight.uniform_(0.5, 1.5)
            model.bias.uniform_(-0.5, 0.5)
    eager_before = model.running_var.clone()
    train_and_check(model, [torch.randn(shape) * 2 + 1], device, overloads=[BN], **FAST)
    assert not torch.equal(model.running_var, eager_before)  # the update happened (and was compared)
    assert int(model.num_batches_tracked) == 1


def test_batch_norm1d_train(device):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5, bias=False), nn.BatchNorm1d(5))  # a bias before it has no gradient
    train_and_check(model, [torch.randn(7, 6)], device, overloads=[BN], **FAST)


def test_batch_norm_train_without_running_stats(device):
    torch.manual_seed(0)
    model = nn.BatchNorm2d(4, track_running_stats=False)
    train_and_check(model, [torch.randn(3, 4, 5, 5)], device, overloads=["aten._native_batch_norm_legit.no_stats"],
                    **FAST)


def test_conv_bn_relu_train(device):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                          nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2, bias=False), nn.BatchNorm2d(8), nn.ReLU())
    train_and_check(model, [torch.randn(2, 3, 12, 12)], device,
                    overloads=["aten.convolution_backward.default", BN], **_fast(atol=2e-4, rtol=1e-4))


def test_layer_norm_train(device):
    """A transformer MLP block: layer_norm's backward reads its saved mean and rstd."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 4))
    train_and_check(model, [torch.randn(2, 5, 6)], device, overloads=["aten.native_layer_norm.default"],
                    **_fast(atol=1e-5, rtol=1e-4))


def test_batch_norm_train_faithful(device):
    torch.manual_seed(0)
    model = nn.BatchNorm2d(6)
    train_and_check(model, [torch.randn(2, 6, 5, 5)], device, overloads=[BN], numerics="faithful", min_pcc=0.99)


# ---- max pool with indices and its backward ----

MAXPOOL_BW = "aten.max_pool2d_with_indices_backward.default"
MAXPOOL = "aten.max_pool2d_with_indices.default"


class _ReluPool(nn.Module):
    """relu before the pool: many windows hold several zeros, ties the backward must route to the
    first one in row-major order, as torch."""

    def __init__(self, pool, channels=4):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 1)
        self.pool = pool

    def forward(self, x):
        return self.pool(torch.relu(self.conv(x)))


@pytest.mark.parametrize("k,s,p,d,ceil", [
    (2, 2, 0, 1, False),
    (3, 2, 1, 1, False),   # overlapping windows, resnet's stem pool
    (3, 1, 1, 1, False),   # heavily overlapping
    (3, 2, 1, 1, True),    # ceil_mode
    ((3, 2), (2, 1), (1, 0), 1, False),
    (3, 2, 1, 2, False),   # dilation
])
def test_max_pool_backward(device, k, s, p, d, ceil):
    torch.manual_seed(0)
    model = _ReluPool(nn.MaxPool2d(k, s, p, dilation=d, ceil_mode=ceil))
    x = torch.randn(2, 4, 13, 11)
    train_and_check(model, [x], device, overloads=[MAXPOOL, MAXPOOL_BW], **FAST)


def test_max_pool_backward_ties_exact(device):
    """All-zero windows (relu of negatives) and exact duplicates: the gradient lands on the first
    maximal element of each window, bit for bit as torch."""
    torch.manual_seed(0)
    x = torch.randn(2, 3, 9, 9).round()  # integers: many equal values
    x[:, :, :4] = -1.0  # relu'd to zeros
    model = nn.Sequential(nn.ReLU(), nn.MaxPool2d(3, 2, 1))
    train_and_check(model, [x], device, overloads=[MAXPOOL, MAXPOOL_BW], numerics="fast", min_pcc=0.99999,
                    atol=0.0, rtol=0.0)


def test_max_pool_indices_returned(device):
    """return_indices=True in the model: the indices (int64) are an output of the compiled graph."""
    torch.manual_seed(0)
    pool = nn.MaxPool2d(3, 2, 1, return_indices=True)

    class M(nn.Module):
        def forward(self, x):
            y, i = pool(torch.relu(x))
            return y * 2, i

    m = M()
    x = torch.randn(2, 3, 10, 10)
    compiled = torch.compile(m, backend=torch_ttnn.backend,
                             options=torch_ttnn.TorchTtnnOption(device=device, numerics="fast"))
    with torch.no_grad():
        (ey, ei), (gy, gi) = m(x), compiled(x)
    assert gi.dtype == torch.int64 and torch.equal(gi, ei)
    torch.testing.assert_close(gy, ey)


def test_max_pool_backward_faithful(device):
    torch.manual_seed(0)
    model = _ReluPool(nn.MaxPool2d(3, 2, 1))
    # bf16 rounding turns near-ties into ties (and back), so some gradients take another route.
    train_and_check(model, [torch.randn(2, 4, 12, 12)], device, overloads=[MAXPOOL, MAXPOOL_BW],
                    numerics="faithful", min_pcc=0.97)


# ---- avg pool backward ----

AVGPOOL_BW = "aten.avg_pool2d_backward.default"


@pytest.mark.parametrize("k,s,p,ceil,include_pad,divisor", [
    (2, 2, 0, False, True, None),
    (3, 2, 1, False, True, None),
    (3, 2, 1, False, False, None),      # count_include_pad=False
    (3, 2, 1, True, True, None),        # ceil_mode: a last window past the padded input
    (3, 2, 1, True, False, None),
    ((3, 2), (1, 2), (1, 1), False, True, None),
    (2, 2, 0, False, True, 3),          # divisor_override
    (3, 3, 0, True, True, None),        # ceil_mode without padding
])
def test_avg_pool_backward(device, k, s, p, ceil, include_pad, divisor):
    torch.manual_seed(0)
    model = _ReluPool(nn.AvgPool2d(k, s, p, ceil_mode=ceil, count_include_pad=include_pad, divisor_override=divisor))
    train_and_check(model, [torch.randn(2, 4, 13, 10)], device, overloads=[AVGPOOL_BW], **FAST)


def test_avg_pool_backward_faithful(device):
    torch.manual_seed(0)
    model = _ReluPool(nn.AvgPool2d(2))
    train_and_check(model, [torch.randn(2, 4, 12, 12)], device, overloads=[AVGPOOL_BW], numerics="faithful",
                    min_pcc=0.99)


def test_avg_pool1d_backward_stays_in_torch(device):
    """avg_pool1d reaches avg_pool2d_backward on a 3-D [C, 1, L] view only in eager; a [N, C, L] pool
    traces to avg_pool2d on [N, C, 1, L], which lowers. A 3-D (unbatched) 2-D pool is rejected."""
    torch.manual_seed(0)
    model = nn.AvgPool2d(2)
    metrics = train_and_check(model, [torch.randn(3, 8, 8)], device, expect_lowered=False, **FAST)
    entry = metrics["aten_ops"][AVGPOOL_BW]
    assert not entry["lowered"] and "rank 3" in entry["reason"]


# ---- end to end ----

def test_resnet18_train_step(device):
    """torchvision resnet18 in train mode, one forward + backward: every parameter's gradient and
    every running statistic against eager, and what (if anything) stayed in torch."""
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).train()
    x = torch.randn(2, 3, 64, 64)
    metrics = train_and_check(model, [x], device, expect_lowered=False, numerics="fast", min_pcc=0.9999)
    remaining = {op: e["reason"] for op, e in metrics["aten_ops"].items() if not e["lowered"]}
    print(f"\nresnet18 train step: {metrics['ops_before']} ATen ops, {metrics['ops_after_in_torch']} in torch: "
          f"{remaining}")
    assert metrics["ops_after_in_torch"] == 0, f"ops left in torch: {remaining}"


# ---- attention ----


class _Attention(nn.Module):
    def __init__(self, causal, masked):
        super().__init__()
        self.qkv = nn.Linear(16, 48)
        self.causal, self.masked = causal, masked

    def forward(self, x):
        q, k, v = self.qkv(x).view(2, 6, 3, 4, 4).permute(2, 0, 3, 1, 4)
        mask = None
        if self.masked:  # the last two keys hidden from every query
            mask = torch.ones(6, 6, dtype=torch.bool)
            mask[:, -2:] = False
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=self.causal)


@pytest.mark.parametrize("causal,masked", [(False, False), (True, False), (False, True)],
                         ids=["plain", "causal", "bool_mask"])
def test_attention_train(device, causal, masked):
    """Training attention is spelled out as matmuls and a softmax (decompositions.use_math_attention):
    the flash kernel's backward has no TT-NN counterpart."""
    torch.manual_seed(0)
    metrics = train_and_check(_Attention(causal, masked), [torch.randn(2, 6, 16)], device, **FAST)
    assert "aten._scaled_dot_product_flash_attention_for_cpu_backward.default" not in metrics["aten_ops"]
