"""Lowering of aten::convolution: conv2d (stride, padding, dilation, groups, depthwise, bias),
transposed conv2d (output_padding), conv1d and transposed conv1d, through ttnn.conv2d /
ttnn.conv_transpose2d / ttnn.conv1d between NCHW <-> NHWC permutes; plus a small CNN and resnet18."""

import pytest
import torch
import torch.nn.functional as F
from lowering_check import compile_and_check

CONV2D = [
    # (N, Cin, H, W, Cout, kernel, stride, padding, dilation, groups, bias)
    (1, 3, 16, 16, 8, 3, 1, 1, 1, 1, True),
    (2, 5, 17, 13, 7, 3, 2, 0, 1, 1, False),       # odd sizes, no padding
    (1, 8, 15, 15, 16, (3, 5), (2, 1), (1, 2), 1, 1, True),
    (1, 6, 19, 21, 6, 3, 1, 2, 2, 1, True),        # dilation
    (2, 8, 12, 10, 12, 3, 1, 1, 1, 4, True),       # grouped
    (1, 16, 14, 14, 16, 3, 2, 1, 1, 16, False),    # depthwise
    (1, 32, 9, 9, 64, 1, 1, 0, 1, 1, True),        # pointwise
    (1, 3, 33, 31, 16, 7, 2, 3, 1, 1, False),      # stem-like
]


def _ids(c):
    return "n{}c{}h{}w{}o{}k{}s{}p{}d{}g{}b{}".format(*c).replace(" ", "").replace("(", "").replace(")", "").replace(",", "x")


def _conv2d_module(cfg):
    n, cin, h, w, cout, k, s, p, d, g, bias = cfg
    torch.manual_seed(0)
    m = torch.nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=g, bias=bias).eval()
    return m, torch.randn(n, cin, h, w)


@pytest.mark.parametrize("cfg", CONV2D, ids=_ids)
def test_conv2d_faithful(device, cfg):
    m, x = _conv2d_module(cfg)
    compile_and_check(m, [x], device, min_pcc=0.999)


@pytest.mark.parametrize("cfg", CONV2D, ids=_ids)
def test_conv2d_fast(device, cfg):
    m, x = _conv2d_module(cfg)
    compile_and_check(m, [x], device, min_pcc=0.9999, atol=2e-2, rtol=1e-2, numerics="fast")


def test_conv2d_weight_as_input(device):
    """A weight that is not a constant (read from a graph input)."""
    x, w, b = torch.randn(1, 4, 11, 9), torch.randn(6, 4, 3, 3), torch.randn(6)
    compile_and_check(lambda x, w, b: F.conv2d(x, w, b, padding=1), [x, w, b], device, min_pcc=0.999)


def test_conv2d_then_conv2d(device):
    """Consecutive convolutions (the permute pairs between them are the layout pass's to cancel)."""
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(8, 4, 3, stride=2)).eval()
    compile_and_check(m, [torch.randn(1, 3, 20, 18)], device, min_pcc=0.999)


CONV_T2D = [
    # (N, Cin, H, W, Cout, kernel, stride, padding, output_padding, dilation, groups, bias)
    (1, 8, 7, 7, 4, 3, 2, 1, 1, 1, 1, True),
    (2, 6, 5, 9, 6, 4, 2, 1, 0, 1, 2, False),
    (1, 4, 9, 8, 3, (2, 3), (1, 2), 0, 0, 1, 1, True),
    (1, 4, 6, 6, 4, 3, 3, 1, 2, 2, 1, True),
]


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
@pytest.mark.parametrize("cfg", CONV_T2D, ids=lambda c: "x".join(str(v) for v in c).replace(" ", ""))
def test_conv_transpose2d(device, cfg, numerics):
    n, cin, h, w, cout, k, s, p, op, d, g, bias = cfg
    torch.manual_seed(0)
    m = torch.nn.ConvTranspose2d(cin, cout, k, stride=s, padding=p, output_padding=op, groups=g, bias=bias,
                                 dilation=d).eval()
    x = torch.randn(n, cin, h, w)
    if numerics == "fast":
        compile_and_check(m, [x], device, min_pcc=0.9999, atol=2e-2, rtol=1e-2, numerics="fast")
    else:
        compile_and_check(m, [x], device, min_pcc=0.999)


CONV1D = [
    # (N, Cin, L, Cout, kernel, stride, padding, dilation, groups, bias)
    (1, 4, 33, 8, 3, 1, 1, 1, 1, True),
    (2, 6, 50, 6, 5, 2, 2, 1, 3, False),
    (1, 8, 21, 8, 3, 1, 2, 2, 8, True),  # depthwise, dilated
]


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
@pytest.mark.parametrize("cfg", CONV1D, ids=lambda c: "x".join(str(v) for v in c))
def test_conv1d(device, cfg, numerics):
    n, cin, length, cout, k, s, p, d, g, bias = cfg
    torch.manual_seed(0)
    m = torch.nn.Conv1d(cin, cout, k, stride=s, padding=p, dilation=d, groups=g, bias=bias).eval()
    x = torch.randn(n, cin, length)
    if numerics == "fast":
        compile_and_check(m, [x], device, min_pcc=0.9999, atol=2e-2, rtol=1e-2, numerics="fast")
    else:
        compile_and_check(m, [x], device, min_pcc=0.999)


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_conv_transpose1d(device, numerics):
    torch.manual_seed(0)
    m = torch.nn.ConvTranspose1d(6, 4, 4, stride=2, padding=1, output_padding=1, groups=2).eval()
    x = torch.randn(2, 6, 13)
    if numerics == "fast":
        compile_and_check(m, [x], device, min_pcc=0.9999, atol=2e-2, rtol=1e-2, numerics="fast")
    else:
        compile_and_check(m, [x], device, min_pcc=0.999)


def test_conv3d_stays_in_torch(device):
    torch.manual_seed(0)
    m = torch.nn.Conv3d(2, 3, 3).eval()
    _, metrics = compile_and_check(m, [torch.randn(1, 2, 5, 5, 5)], device, expect_lowered=False, min_pcc=0.99999)
    entry = metrics["aten_ops"]["aten.convolution.default"]
    assert not entry["lowered"]
    assert "rank 5" in entry["reason"]


class SmallCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(16)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(32 * 4 * 4, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_small_cnn(device, numerics):
    torch.manual_seed(0)
    m = SmallCNN().eval()
    with torch.no_grad():  # non-trivial batch-norm statistics
        m.bn1.running_mean.uniform_(-0.5, 0.5)
        m.bn1.running_var.uniform_(0.5, 2.0)
    x = torch.randn(2, 3, 16, 16)
    compile_and_check(m, [x], device, min_pcc=0.999 if numerics == "faithful" else 0.9999, numerics=numerics)


def test_resnet18(device):
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    m = torchvision.models.resnet18(weights=None).eval()
    x = torch.randn(1, 3, 64, 64)
    compile_and_check(m, [x], device, min_pcc=0.99)


@pytest.fixture(scope="module")
def mesh():
    import ttnn

    # Devices 1 and 2 when there are enough, so the session's device 0 (conftest) can stay open.
    ids = [1, 2] if ttnn.get_num_devices() >= 3 else None
    m = ttnn.open_mesh_device(ttnn.MeshShape(1, 2), device_ids=ids)
    yield m
    ttnn.close_mesh_device(m)


def test_conv_pool_on_mesh(mesh):
    """The kernels run per device of a MeshDevice (batch sharded by data_parallel=2)."""
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(3, 8, 3, padding=1).eval()
    up = torch.nn.ConvTranspose2d(8, 4, 2, stride=2).eval()

    def fn(x):
        y = F.max_pool2d(conv(x), 2)
        y = F.avg_pool2d(up(y), 2)
        return F.interpolate(y, scale_factor=2).flatten(1)

    compile_and_check(fn, [torch.randn(2, 3, 10, 12)], mesh, min_pcc=0.999, data_parallel=2)
