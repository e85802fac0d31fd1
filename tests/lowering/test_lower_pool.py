"""Lowering of pooling and upsampling: max_pool2d_with_indices (output 0 only), avg_pool2d,
adaptive_avg_pool2d (global and general), upsample_nearest2d and upsample_bilinear2d
(align_corners=False), through the NHWC TT-NN ops between permutes."""

import pytest
import torch
import torch.nn.functional as F
from lowering_check import compile_and_check

MAX_POOL = [
    # (shape, kernel, stride, padding, dilation, ceil_mode)
    ((1, 8, 16, 16), 2, 2, 0, 1, False),
    ((2, 5, 17, 13), 3, 2, 1, 1, False),     # odd sizes (resnet's stem pool)
    ((1, 4, 15, 15), 3, 2, 0, 1, True),      # ceil_mode
    ((1, 3, 14, 11), (3, 2), (1, 2), (1, 0), 1, True),
    ((1, 6, 19, 19), 3, 1, 1, 2, False),     # dilation
    ((1, 3, 10, 10), 3, None, 0, 1, False),  # stride defaults to the kernel
]


def _ids(c):
    return "-".join(str(v).replace(" ", "") for v in c)


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
@pytest.mark.parametrize("cfg", MAX_POOL, ids=_ids)
def test_max_pool2d(device, cfg, numerics):
    shape, k, s, p, d, ceil = cfg
    x = torch.randn(*shape)

    def fn(x):
        return F.max_pool2d(x, k, s, p, d, ceil_mode=ceil)

    if numerics == "fast":
        compile_and_check(fn, [x], device, exact=True, numerics="fast")
    else:
        got, _ = compile_and_check(fn, [x], device)
        # max selects values: faithful is the bf16-rounded result exactly.
        assert torch.equal(got, fn(x.to(torch.bfloat16).float()))


def test_max_pool2d_indices_lowered(device):
    """The indices output is ttnn.max_pool2d's return_indices (exact, int64 back in torch)."""
    x = torch.randn(1, 4, 8, 8)

    def fn(x):
        out, idx = F.max_pool2d(x, 2, return_indices=True)
        return out, idx

    _, metrics = compile_and_check(fn, [x], device, exact=True, numerics="fast")
    assert metrics["aten_ops"]["aten.max_pool2d_with_indices.default"]["lowered"]


AVG_POOL = [
    # (shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    ((1, 8, 16, 16), 2, 2, 0, False, True, None),
    ((2, 5, 17, 13), 3, 2, 1, False, True, None),
    ((2, 5, 17, 13), 3, 2, 1, False, False, None),
    ((1, 4, 15, 15), 3, 2, 1, True, True, None),
    ((1, 4, 15, 15), 3, 2, 1, True, False, None),
    ((1, 3, 12, 9), (2, 3), (2, 1), (1, 1), False, True, 5),
]


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
@pytest.mark.parametrize("cfg", AVG_POOL, ids=_ids)
def test_avg_pool2d(device, cfg, numerics):
    shape, k, s, p, ceil, cip, div = cfg
    x = torch.randn(*shape)

    def fn(x):
        return F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip, divisor_override=div)

    if numerics == "fast":
        compile_and_check(fn, [x], device, min_pcc=0.99999, atol=1e-5, rtol=1e-5, numerics="fast")
    else:
        compile_and_check(fn, [x], device, min_pcc=0.999)


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
@pytest.mark.parametrize("shape,out", [
    ((1, 16, 7, 7), (1, 1)),
    ((2, 8, 9, 11), (1, 1)),
    ((1, 8, 8, 12), (2, 4)),     # divisible
    ((2, 5, 13, 10), (3, 4)),    # general windows
    ((1, 4, 6, 6), (6, 6)),      # identity
], ids=_ids)
def test_adaptive_avg_pool2d(device, shape, out, numerics):
    x = torch.randn(*shape)

    def fn(x):
        # F.adaptive_avg_pool2d traces output 1x1 as mean.dim (reduction family): call the kernel.
        return torch.ops.aten._adaptive_avg_pool2d(x, list(out))

    if numerics == "fast":
        compile_and_check(fn, [x], device, min_pcc=0.99999, atol=1e-5, rtol=1e-5, numerics="fast")
    else:
        compile_and_check(fn, [x], device, min_pcc=0.999)


def test_adaptive_avg_pool2d_module(device):
    """nn.AdaptiveAvgPool2d with a non-1x1 output (1x1 traces as mean.dim, the reduction family's)."""
    m = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d((2, 3))).eval()
    compile_and_check(m, [torch.randn(2, 8, 10, 9)], device, min_pcc=0.999)


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
@pytest.mark.parametrize("shape,kw", [
    ((1, 4, 8, 8), {"scale_factor": 2}),
    ((2, 3, 5, 7), {"scale_factor": (2, 3)}),
    ((1, 3, 5, 7), {"size": (10, 21)}),
    ((1, 2, 6, 6), {"size": (9, 9)}),          # non-integer scale
    ((1, 2, 4, 5), {"scale_factor": 1.5}),
], ids=_ids)
def test_upsample_nearest2d(device, shape, kw, numerics):
    x = torch.randn(*shape)

    def fn(x):
        return F.interpolate(x, mode="nearest", **kw)

    if numerics == "fast":
        compile_and_check(fn, [x], device, exact=True, numerics="fast")
    else:
        compile_and_check(fn, [x], device, min_pcc=0.999)


def test_upsample_module(device):
    m = torch.nn.Upsample(scale_factor=2, mode="nearest").eval()
    compile_and_check(m, [torch.randn(1, 3, 7, 5)], device, exact=True, numerics="fast")


@pytest.mark.parametrize("numerics", ["faithful", "fast"])
@pytest.mark.parametrize("shape,kw", [
    ((1, 4, 8, 8), {"scale_factor": 2}),
    ((2, 3, 5, 7), {"size": (16, 12)}),
    ((1, 3, 9, 6), {"scale_factor": (1.5, 2.5)}),
], ids=_ids)
def test_upsample_bilinear2d(device, shape, kw, numerics):
    x = torch.randn(*shape)

    def fn(x):
        return F.interpolate(x, mode="bilinear", align_corners=False, **kw)

    if numerics == "fast":
        compile_and_check(fn, [x], device, min_pcc=0.99999, atol=1e-5, rtol=1e-5, numerics="fast")
    else:
        compile_and_check(fn, [x], device, min_pcc=0.999)


def test_upsample_bilinear_align_corners_stays_in_torch(device):
    x = torch.randn(1, 3, 5, 5)

    def fn(x):
        return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)

    _, metrics = compile_and_check(fn, [x], device, expect_lowered=False, min_pcc=0.99999)
    entries = [e for op, e in metrics["aten_ops"].items() if "upsample_bilinear2d" in op]
    assert entries and not entries[0]["lowered"] and "align_corners" in entries[0]["reason"]


def test_pool_unbatched_stays_in_torch(device):
    x = torch.randn(4, 9, 9)  # [C, H, W]
    _, metrics = compile_and_check(lambda x: F.avg_pool2d(x, 3), [x], device, expect_lowered=False, min_pcc=0.99999)
    entry = metrics["aten_ops"]["aten.avg_pool2d.default"]
    assert not entry["lowered"] and "rank 3" in entry["reason"]


def test_conv_pool_upsample_chain(device):
    """Channels-last ops back to back: conv -> max pool -> upsample -> avg pool."""
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(3, 8, 3, padding=1).eval()

    def fn(x):
        y = F.max_pool2d(conv(x), 2)
        y = F.interpolate(y, scale_factor=2, mode="nearest")
        return F.avg_pool2d(y, 2)

    compile_and_check(fn, [torch.randn(1, 3, 16, 14)], device, min_pcc=0.999)


@pytest.mark.parametrize("size,scale,align", [((11, 9), None, False), ((4, 5), None, False), (None, 2.0, False),
                                              (None, 1.7, False), ((13, 6), None, True)],
                         ids=["up", "down", "scale2", "scale1.7", "align_corners"])
def test_upsample_bicubic(device, size, scale, align):
    """Bicubic as two interpolation-matrix matmuls (TT-NN has no bicubic mode)."""
    torch.manual_seed(0)
    x = torch.randn(2, 3, 7, 8)
    fn = lambda x: F.interpolate(x, size=size, scale_factor=scale, mode="bicubic", align_corners=align)  # noqa: E731
    compile_and_check(fn, [x], device, numerics="fast", min_pcc=0.99999, atol=1e-4, rtol=1e-4)
    compile_and_check(fn, [x], device, min_pcc=0.999)


def test_upsample_bicubic_of_a_constant_folds(device):
    """A position embedding resized by bicubic interpolation (DINOv2): evaluated at compile time."""

    class PosEmbed(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.pos = torch.nn.Parameter(torch.randn(1, 16, 5, 5))

        def forward(self, x):
            return x + F.interpolate(self.pos, size=(8, 8), mode="bicubic", align_corners=False)

    m = PosEmbed().eval()
    compile_and_check(m, [torch.randn(2, 16, 8, 8)], device, numerics="fast", min_pcc=0.99999, atol=1e-4, rtol=1e-4)
