"""The fusion and layout passes end to end through torch.compile: conv-bn folding, no permutes
between channels-last ops, activations fused into linear/matmul, hand-written attention as SDPA.
Each test checks the compiled program's TT-NN graph (its text) and the outputs against eager."""

import pytest
import torch
import torch.nn.functional as F

import torch_ttnn
from lowering_check import compile_and_check


@pytest.fixture
def programs(monkeypatch):
    """The TT-NN graphs (text) of the programs compile_and_check builds, one per island."""
    texts = []
    real_backend = torch_ttnn.backend

    def capturing_backend(gm, example_inputs, options=None):
        run = real_backend(gm, example_inputs, options)
        compiled = getattr(run, "compiled", None)
        for island in getattr(compiled, "islands", []):
            texts.append(island.program.graph.to_text())
        return run

    monkeypatch.setattr(torch_ttnn, "backend", capturing_backend)
    return texts


def ops_of(text):
    """The TT-NN ops of a graph text, in order."""
    ops = []
    for line in text.splitlines():
        if " = ttnn." in line:
            ops.append("ttnn." + line.split(" = ttnn.", 1)[1].split("(", 1)[0])
    return ops


def between(ops, first, last):
    """The ops strictly between the first `first` and the last `last`."""
    i = ops.index(first)
    j = len(ops) - 1 - ops[::-1].index(last)
    return ops[i + 1:j]


def _randomize_bn(m):
    torch.manual_seed(1)
    with torch.no_grad():
        for bn in m.modules():
            if isinstance(bn, torch.nn.BatchNorm2d):
                bn.running_mean.uniform_(-0.5, 0.5)
                bn.running_var.uniform_(0.5, 2.0)
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.uniform_(-0.2, 0.2)
    return m


class ConvBnReluStack(torch.nn.Module):
    def __init__(self, bias):
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 8, 3, padding=1, bias=bias)
        self.b1 = torch.nn.BatchNorm2d(8)
        self.c2 = torch.nn.Conv2d(8, 8, 3, stride=2, padding=1, bias=bias)
        self.b2 = torch.nn.BatchNorm2d(8)
        self.c3 = torch.nn.Conv2d(8, 6, 1, bias=bias)
        self.b3 = torch.nn.BatchNorm2d(6)

    def forward(self, x):
        x = torch.relu(self.b1(self.c1(x)))
        x = torch.relu(self.b2(self.c2(x)))
        return self.b3(self.c3(x))


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_conv_bn_relu_stack(device, programs, bias, numerics):
    torch.manual_seed(0)
    m = _randomize_bn(ConvBnReluStack(bias).eval())
    x = torch.randn(2, 3, 13, 11)
    fast = numerics == "fast"
    compile_and_check(m, [x], device, min_pcc=0.99999 if fast else 0.999, atol=1e-4 if fast else None,
                      rtol=1e-4 if fast else None, numerics=numerics)
    assert len(programs) == 1
    ops = ops_of(programs[0])
    assert "ttnn.batch_norm" not in ops, programs[0]
    assert ops.count("ttnn.conv2d") == 3
    # Channels-last from the first conv to the last: only the entry and exit permutes remain.
    inner = between(ops, "ttnn.conv2d", "ttnn.conv2d")
    assert "ttnn.permute" not in inner and "ttnn.reshape" not in inner, programs[0]
    assert ops.count("ttnn.permute") == 2, programs[0]
    # The relus are fused into the convs when the conv kernel applies Conv2dConfig.activation,
    # else they run between the convs: either way on the flat channels-last values.
    assert set(inner) - {"ttnn.conv2d"} <= {"ttnn.relu"}, inner


def test_conv_bn_not_folded_without_fusion(device, programs):
    torch.manual_seed(0)
    m = _randomize_bn(ConvBnReluStack(True).eval())
    x = torch.randn(1, 3, 9, 9)
    compile_and_check(m, [x], device, min_pcc=0.999, fuse=False)
    assert "ttnn.batch_norm" in ops_of(programs[0])


class BasicBlock(torch.nn.Module):
    """A ResNet basic block with a downsampling shortcut, after a stem conv and a max pool."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn0 = torch.nn.BatchNorm2d(8)
        self.pool = torch.nn.MaxPool2d(3, 2, 1)
        self.c1 = torch.nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(16)
        self.c2 = torch.nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(16)
        self.down = torch.nn.Conv2d(8, 16, 1, stride=2, bias=False)
        self.bnd = torch.nn.BatchNorm2d(16)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn0(self.stem(x))))
        y = torch.relu(self.bn1(self.c1(x)))
        y = self.bn2(self.c2(y))
        return torch.relu(y + self.bnd(self.down(x)))


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_residual_block_runs_channels_last(device, programs, numerics):
    torch.manual_seed(0)
    m = _randomize_bn(BasicBlock().eval())
    x = torch.randn(2, 3, 17, 15)
    fast = numerics == "fast"
    compile_and_check(m, [x], device, min_pcc=0.9999 if fast else 0.999, numerics=numerics)
    ops = ops_of(programs[0])
    assert "ttnn.batch_norm" not in ops
    assert ops.count("ttnn.permute") == 2, programs[0]
    inner = between(ops, "ttnn.conv2d", "ttnn.add")
    assert "ttnn.permute" not in inner, programs[0]


@pytest.mark.parametrize("act", ["relu", "gelu", "silu", "sigmoid"])
def test_linear_activation_fused(device, programs, act):
    torch.manual_seed(0)
    fc = torch.nn.Linear(24, 40).eval()
    fn = {"relu": torch.relu, "gelu": F.gelu, "silu": F.silu, "sigmoid": torch.sigmoid}[act]

    def model(x):
        return fn(fc(x))

    x = torch.randn(5, 24)
    compile_and_check(model, [x], device, min_pcc=0.999)
    ops = ops_of(programs[0])
    assert "ttnn." + act not in ops, programs[0]
    assert f'activation="{act}"' in programs[0], programs[0]


def test_matmul_activation_fused_fast(device, programs):
    torch.manual_seed(0)
    w = torch.randn(24, 16)

    def model(x):
        return torch.relu(x @ w)

    compile_and_check(model, [torch.randn(7, 24)], device, min_pcc=0.99999, atol=1e-4, rtol=1e-4, numerics="fast")
    assert "ttnn.relu" not in ops_of(programs[0]), programs[0]


def _attention(q, k, v, mask=None):
    s = q @ k.transpose(-2, -1) / (q.shape[-1] ** 0.5)
    if mask is not None:
        s = s + mask
    return torch.softmax(s, dim=-1) @ v


@pytest.mark.parametrize("with_mask", [False, True])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_hand_written_attention_becomes_sdpa(device, programs, with_mask, numerics):
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, 3, 9, 16) for _ in range(3))
    inputs = [q, k, v]
    if with_mask:
        inputs.append(torch.randn(9, 9))
    fast = numerics == "fast"
    compile_and_check(_attention, inputs, device, min_pcc=0.9999 if fast else 0.995, numerics=numerics)
    ops = ops_of(programs[0])
    assert "ttnn.transformer.scaled_dot_product_attention" in ops, programs[0]
    assert "ttnn.softmax" not in ops and "ttnn.matmul" not in ops, programs[0]
