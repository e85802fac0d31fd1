"""Programs compiled from one model share its weights on the device (graph/constant_pool.hpp):
dynamo compiles one program per input shape (a generating transformer: one per sequence length),
and each must not keep its own copy of every weight."""

import torch

import torch_ttnn
import ttnn


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(256, 512)
        self.fc2 = torch.nn.Linear(512, 256)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def _dram(device):
    return device.memory_stats()["dram_in_use"]


def test_programs_of_several_shapes_share_weights(device):
    torch.manual_seed(0)
    model = Mlp().eval()
    option = torch_ttnn.TorchTtnnOption(device=device)
    compiled = torch.compile(model, backend=torch_ttnn.backend, options=option, dynamic=False)
    weight_bytes = sum(p.numel() * 2 for p in model.parameters())  # bf16 on the device
    before = ttnn._C.graph.constant_pool_stats()
    with torch.no_grad():
        compiled(torch.randn(3, 256))
        one_program = _dram(device)
        for rows in (5, 7, 9):
            x = torch.randn(rows, 256)
            torch.testing.assert_close(compiled(x), model(x), atol=0.1, rtol=0.05)
    after = ttnn._C.graph.constant_pool_stats()
    assert after["hits"] - before["hits"] >= 3 * 2, (before, after)  # both weights, in each new program
    assert after["bytes_saved"] - before["bytes_saved"] >= 3 * weight_bytes * 0.9
    # Three more programs hold no more weights than one did (their activations are not resident).
    assert _dram(device) - one_program < weight_bytes * 0.5, (one_program, _dram(device))


def test_same_bytes_different_placement_are_not_merged(device):
    """Identical weights with different specs stay apart: merging needs spec, placement and bytes."""
    w = torch.randn(64, 64)
    a = ttnn.to_device(ttnn.from_torch(w, dtype=ttnn.bfloat16, layout=ttnn.TILE_LAYOUT), device)
    b = ttnn.to_device(ttnn.from_torch(w, dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT), device)
    fn = torch.compile(lambda x, y: x @ y, backend=torch_ttnn.backend,
                       options=torch_ttnn.TorchTtnnOption(device=device))
    del a, b
    x = torch.randn(8, 64)
    with torch.no_grad():
        torch.testing.assert_close(fn(x, w), x @ w, atol=0.2, rtol=0.05)
