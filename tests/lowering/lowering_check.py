"""compile_and_check: one model or function through torch.compile(backend=torch_ttnn.backend),
asserting that no op remained in torch and that the output matches eager (PCC, and allclose
where exact results are expected)."""

from __future__ import annotations

import json
import os
import tempfile

import torch

import torch_ttnn


def pcc(a: torch.Tensor, b: torch.Tensor) -> float:
    a = a.detach().to(torch.float64).flatten()
    b = b.detach().to(torch.float64).flatten()
    if a.numel() == 0:
        return 1.0
    if torch.equal(a, b):
        return 1.0
    a, b = a - a.mean(), b - b.mean()
    denom = a.norm() * b.norm()
    if denom == 0:
        return 1.0 if torch.allclose(a, b) else 0.0
    return float((a @ b) / denom)


def _flatten(x):
    if isinstance(x, torch.Tensor):
        return [x]
    if isinstance(x, (list, tuple)):
        return [t for item in x for t in _flatten(item)]
    return []


def compile_and_check(fn, inputs, device, *, min_pcc=0.999, exact=False, atol=None, rtol=None,
                      expect_lowered=True, **option_fields):
    """Runs fn eagerly and compiled; returns (compiled outputs, metrics dict)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "metrics.json")
        option = torch_ttnn.TorchTtnnOption(device=device, metrics_path=path, **option_fields)
        compiled = torch.compile(fn, backend=torch_ttnn.backend, options=option)
        with torch.no_grad():
            expected = fn(*inputs)
            got = compiled(*inputs)
        with open(path) as f:
            metrics = json.load(f)
    if expect_lowered:
        remaining = {op: e["reason"] for op, e in metrics["aten_ops"].items() if not e["lowered"]}
        assert metrics["ops_after_in_torch"] == 0, f"ops left in torch: {remaining}"
        assert metrics["ops_before"] > 0, "nothing was compiled"
    exp_list, got_list = _flatten(expected), _flatten(got)
    assert len(exp_list) == len(got_list)
    for e, g in zip(exp_list, got_list):
        assert e.shape == g.shape, f"shape {tuple(g.shape)} != eager {tuple(e.shape)}"
        assert e.dtype == g.dtype, f"dtype {g.dtype} != eager {e.dtype}"
        if exact:
            assert torch.equal(e, g), f"not exact: max diff {(e.double() - g.double()).abs().max()}"
        else:
            p = pcc(e, g)
            assert p >= min_pcc, f"PCC {p:.6f} < {min_pcc}"
            if atol is not None:
                torch.testing.assert_close(g, e, atol=atol, rtol=rtol or 0.0)
    return got, metrics
