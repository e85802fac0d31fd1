"""The pipeline end to end on the smallest graph."""

import torch

from lowering_check import compile_and_check


def test_relu_faithful(device):
    x = torch.randn(4, 37)
    got, metrics = compile_and_check(torch.relu, [x], device, exact=False)
    # Faithful: the output is the bf16-rounded relu.
    assert torch.equal(got, torch.relu(x).to(torch.bfloat16).float())


def test_relu_fast_exact(device):
    x = torch.randn(3, 5, 7)
    compile_and_check(torch.relu, [x], device, exact=True, numerics="fast")
