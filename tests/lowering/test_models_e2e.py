"""Small real models end to end through torch.compile: nothing may remain in torch, and the
output must match fp32 eager (faithful bf16 numerics: PCC >= 0.99; fast numerics: >= 0.9999)."""

import pytest
import torch
import torchvision

from lowering_check import compile_and_check


def small_cnn():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, stride=2, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(32, 10),
    ).eval()


def mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.GELU(), torch.nn.Linear(128, 128),
                               torch.nn.ReLU(), torch.nn.Linear(128, 10)).eval()


def bert_layer():
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    config = transformers.BertConfig(hidden_size=128, num_attention_heads=4, intermediate_size=512,
                                     num_hidden_layers=1)
    config._attn_implementation = "sdpa"  # as BertModel sets it for its layers
    return transformers.models.bert.modeling_bert.BertLayer(config).eval()


NUMERICS = [("faithful", 0.99), ("fast", 0.9999)]


@pytest.mark.parametrize("numerics, min_pcc", NUMERICS)
def test_mlp(device, numerics, min_pcc):
    compile_and_check(mlp(), [torch.randn(8, 64)], device, numerics=numerics, min_pcc=min_pcc)


@pytest.mark.parametrize("numerics, min_pcc", NUMERICS)
def test_small_cnn(device, numerics, min_pcc):
    compile_and_check(small_cnn(), [torch.randn(2, 3, 32, 32)], device, numerics=numerics, min_pcc=min_pcc)


@pytest.mark.parametrize("numerics, min_pcc", NUMERICS)
def test_resnet18(device, numerics, min_pcc):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    compile_and_check(model, [torch.randn(1, 3, 64, 64)], device, numerics=numerics, min_pcc=min_pcc)


@pytest.mark.parametrize("numerics, min_pcc", NUMERICS)
def test_bert_encoder_layer(device, numerics, min_pcc):
    layer = bert_layer()

    def fn(hidden):
        out = layer(hidden)
        return out[0] if isinstance(out, tuple) else out

    compile_and_check(fn, [torch.randn(2, 16, 128)], device, numerics=numerics, min_pcc=min_pcc)
