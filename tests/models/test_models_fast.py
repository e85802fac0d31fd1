"""CI subset of the model suite: a few small rows, compiled with torch_ttnn, must match fp32 eager
(PCC >= 0.99) with no op left in PyTorch; the rows with real weights or data must also keep their
task metrics (test_extra_rows.check_task_metrics). Speed is not asserted here (see
tools/run_models.py)."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.models import measure, registry  # noqa: E402
from tests.models.test_extra_rows import check_task_metrics  # noqa: E402

_tt, _why = measure.ttnn_backend()
pytestmark = pytest.mark.skipif(
    _tt is None, reason=f"{_why}: the torch.compile backend is still being written (lands this session)")


@pytest.mark.parametrize("name", registry.small_rows())
def test_small_model_end_to_end(name, tmp_path):
    missing = registry.get(name).missing_packages()
    if missing:
        pytest.skip(f"missing packages: {', '.join(missing)} (make deps installs them)")
    res = measure.measure(name, out_path=str(tmp_path / "result.json"), metrics_dir=str(tmp_path),
                          inductor=False, census=False, iters=1, budget=0.0)
    assert not res.get("error_class"), f"{res.get('error_class')}: {res.get('error')}\n{res.get('traceback', '')}"
    assert res["pcc"] is not None and res["pcc"] >= measure.PCC_THRESHOLD, res.get("pcc_each")
    assert res.get("metrics_source") == "compiler", \
        f"the compiler wrote no metrics JSON to metrics_path (keys seen: {res.get('raw_keys')})"
    assert res.get("ops_after_in_torch") == 0, {
        op: i for op, i in (res.get("aten_ops") or {}).items() if i.get("lowered") is False}
    assert res["status"] == "✅"
    check_task_metrics(name, res)


def test_pcc_leaves_masked_logits_out():
    import torch

    """Suppressed tokens are -inf in both: correlated on the rest; a mask that differs is a failure."""
    a = torch.randn(4, 50)
    a[:, :7] = float("-inf")
    b = a.clone()
    b[:, 7:] += 1e-3 * torch.randn(4, 43)
    assert measure.pcc(a, b)[0] > 0.999
    c = b.clone()
    c[0, 0] = 0.0
    assert measure.pcc(a, c)[0] == 0.0
