"""Eager mode (torch_ttnn.ttnn_device_as_torch_device): models moved onto the ttnn device match
CPU eager, tensors cross and come back unchanged, one-node programs are cached, unsupported ops
fall back to torch with a warning, and mixing devices is torch's error."""

import warnings

import pytest
import torch
import torchvision

import torch_ttnn
from torch_ttnn import eager
from lowering_check import pcc


@pytest.fixture
def tt(device):
    return torch_ttnn.ttnn_device_as_torch_device(device)


def _mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)).eval()


def _cnn():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3), torch.nn.BatchNorm2d(16), torch.nn.ReLU(inplace=True),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 10)).eval()
    for mod in model.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
    return model


def _run_on_device(model, x, tt):
    with torch.no_grad():
        expected = model(x)
        model.to(tt)
        torch_ttnn.reset_eager_stats()
        out = model(x.to(tt))
        assert out.device == tt
        stats = torch_ttnn.eager_stats()
    print(stats)
    return expected, out.cpu(), stats


@pytest.mark.parametrize("build,shape", [(_mlp, (8, 32)), (_cnn, (2, 3, 16, 16))], ids=["mlp", "cnn"])
def test_model_faithful(build, shape, tt):
    model = build()
    expected, got, stats = _run_on_device(model, torch.randn(shape), tt)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert pcc(expected, got) >= 0.999
    assert stats.fallback_ops == 0, stats.fallback_reasons
    assert stats.ttnn_ops > 0
    assert all(p.device == tt and isinstance(p, eager.TtnnTensor) for p in model.parameters())
    assert all(b.device == tt for b in model.buffers())


@pytest.mark.parametrize("build,shape", [(_mlp, (8, 32)), (_cnn, (2, 3, 16, 16))], ids=["mlp", "cnn"])
def test_model_fast(build, shape, device):
    tt = torch_ttnn.ttnn_device_as_torch_device(device, numerics="fast")
    try:
        expected, got, _ = _run_on_device(build(), torch.randn(shape), tt)
    finally:
        torch_ttnn.ttnn_device_as_torch_device(device)  # back to the default options
    torch.testing.assert_close(got, expected, atol=1e-4, rtol=1e-4)


def test_resnet18(tt):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    expected, got, stats = _run_on_device(model, torch.randn(1, 3, 224, 224), tt)
    assert pcc(expected, got) >= 0.999
    assert stats.fallback_ops == 0, stats.fallback_reasons
    assert stats.by_op["aten::convolution.default"]["ttnn_ops"] == 20


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.int64, torch.bool])
def test_round_trip(dtype, tt):
    x = (torch.randn(3, 5, 7) * 100).to(dtype)
    y = x.to(tt)
    assert isinstance(y, eager.TtnnTensor) and y.device == tt and y.dtype == dtype and y.shape == x.shape
    for back in (y.cpu(), y.to("cpu"), y.to(torch.device("cpu"))):
        assert back.device.type == "cpu" and type(back) is torch.Tensor
        assert back.dtype == dtype and torch.equal(back, x)
    assert torch.equal(x.to("ttnn:0").cpu(), x) and torch.equal(x.to("ttnn").cpu(), x)
    assert torch.zeros(2, 3, dtype=dtype, device=tt).cpu().eq(0).all()


def test_module_round_trip(tt):
    model = _cnn()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    model.to(tt).cpu()
    for k, v in model.state_dict().items():
        assert v.device.type == "cpu" and v.dtype == state[k].dtype and torch.equal(v, state[k]), k


def test_second_call_compiles_nothing(tt):
    x = torch.randn(5, 6).to(tt)
    y = torch.randn(6, 4).to(tt)
    torch.mm(x, y)
    before = torch_ttnn.eager_stats()
    out = torch.mm(x, y)
    after = torch_ttnn.eager_stats()
    assert after.compiles == before.compiles
    assert after.cache_hits == before.cache_hits + 1
    assert after.by_op["aten::mm.default"]["ttnn_ops"] == before.by_op["aten::mm.default"]["ttnn_ops"] + 1
    assert pcc(out.cpu(), x.cpu() @ y.cpu()) >= 0.999
    torch.mm(x, torch.randn(6, 3).to(tt))  # another shape: another program
    assert torch_ttnn.eager_stats().compiles == after.compiles + 1


def test_fallback_is_counted_and_warned_once(tt):
    name = "aten::erfinv.default"
    eager._WARNED.discard(name)
    x = torch.rand(4, 4) - 0.5
    y = x.to(tt)
    before = torch_ttnn.eager_stats()
    with pytest.warns(UserWarning, match=r"aten::erfinv\.default runs in torch on the CPU"):
        out = torch.erfinv(y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.erfinv(y)
    after = torch_ttnn.eager_stats()
    assert after.fallback_ops == before.fallback_ops + 2
    assert after.by_op[name]["fallback_ops"] == before.by_op.get(name, {}).get("fallback_ops", 0) + 2
    assert name in after.fallback_reasons and name in str(after)
    assert out.device == tt and torch.equal(out.cpu(), torch.erfinv(x))


def test_mixed_devices(tt):
    y = torch.randn(4, 4).to(tt)
    with pytest.raises(RuntimeError, match=r"same device.*ttnn:0 and cpu"):
        y + torch.randn(4, 4)
    with pytest.raises(RuntimeError, match=r"same device.*ttnn:0 and cpu"):
        torch.mm(torch.randn(4, 4), y)
    z = y * torch.tensor(2.0)  # 0-dim CPU tensors are allowed, as torch allows them
    assert z.device == tt and pcc(z.cpu(), y.cpu() * 2) >= 0.999


def test_not_a_device():
    with pytest.raises(ValueError, match="not a ttnn.Device"):
        torch_ttnn.ttnn_device_as_torch_device("cpu")
