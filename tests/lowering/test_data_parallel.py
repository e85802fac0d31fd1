"""Data parallelism: TorchTtnnOption(device=<1x2 mesh>, data_parallel=2).

The model is traced at the per-device batch, the split-data-parallel pass shards batch-major
inputs over the mesh and concatenates the outputs; weights are replicated once. Checked against
eager at a batch that divides (8) and one that is padded (7), plus the errors a user can hit."""

import warnings

import pytest
import torch

import torch_ttnn
import ttnn
from lowering_check import compile_and_check, pcc


@pytest.fixture(scope="module")
def mesh():
    # Devices 1 and 2 when there are enough, so the session's device 0 (conftest) can stay open.
    ids = [1, 2] if ttnn.get_num_devices() >= 3 else None
    m = ttnn.open_mesh_device(ttnn.MeshShape(1, 2), device_ids=ids)
    yield m
    ttnn.close_mesh_device(m)


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(20, 64)
        self.fc2 = torch.nn.Linear(64, 33)
        self.fc3 = torch.nn.Linear(33, 10)

    def forward(self, x):
        return self.fc3(torch.nn.functional.gelu(self.fc2(torch.relu(self.fc1(x)))))


class SmallCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(16 * 3 * 3, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))


def _model(cls):
    torch.manual_seed(0)
    m = cls().eval()
    if cls is SmallCNN:
        with torch.no_grad():  # non-trivial batch-norm statistics
            m.bn1.running_mean.uniform_(-0.5, 0.5)
            m.bn1.running_var.uniform_(0.5, 2.0)
            m.bn1.weight.uniform_(0.5, 1.5)
    return m


def _input(cls, batch):
    torch.manual_seed(1)
    return torch.randn(batch, 20) if cls is MLP else torch.randn(batch, 3, 12, 12)


def _compile_dp(fn, inputs, mesh, batch, **kw):
    """compile_and_check on the mesh; the padding warning exactly when the batch is odd."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got, metrics = compile_and_check(fn, inputs, mesh, data_parallel=2, **kw)
    padded = [w for w in caught if "padded" in str(w.message)]
    assert len(padded) == (batch % 2), [str(w.message) for w in caught]
    if padded:
        assert "batch 7" in str(padded[0].message) and "padded to 8" in str(padded[0].message)
    return got, metrics


@pytest.mark.parametrize("batch", [8, 7])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_mlp_matches_eager(mesh, numerics, batch):
    m = _model(MLP)
    x = _input(MLP, batch)
    if numerics == "fast":
        got, _ = _compile_dp(m, [x], mesh, batch, numerics="fast", min_pcc=0.9999, atol=2e-3, rtol=1e-2)
    else:
        got, _ = _compile_dp(m, [x], mesh, batch, min_pcc=0.999)
    assert got.shape[0] == batch


@pytest.mark.parametrize("batch", [8, 7])
@pytest.mark.parametrize("numerics", ["faithful", "fast"])
def test_cnn_matches_eager(mesh, device, numerics, batch):
    """Data parallel = the one-device program on each share; both against eager."""
    m = _model(SmallCNN)
    x = _input(SmallCNN, batch)
    one = torch.compile(m, backend=torch_ttnn.backend,
                        options=torch_ttnn.TorchTtnnOption(device=device, numerics=numerics))
    with torch.no_grad():
        want = m(x)
        alone = one(x)
    torch._dynamo.reset()
    min_pcc = 0.9999 if numerics == "fast" else 0.999
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        two = torch.compile(m, backend=torch_ttnn.backend,
                            options=torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=2, numerics=numerics))
        with torch.no_grad():
            got = two(x)
    assert got.shape == want.shape
    assert pcc(got, alone) >= 0.99999, f"data parallel differs from one device: PCC {pcc(got, alone):.6f}"
    assert pcc(got, want) >= min_pcc


def test_same_result_as_one_device(mesh, device):
    """Each sample's result does not depend on which device computed it."""
    m = _model(MLP)
    x = _input(MLP, 8)
    one = torch.compile(m, backend=torch_ttnn.backend,
                        options=torch_ttnn.TorchTtnnOption(device=device, numerics="fast"))
    two = torch.compile(m, backend=torch_ttnn.backend,
                        options=torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=2, numerics="fast"))
    with torch.no_grad():
        a, b = one(x), two(x)
    torch.testing.assert_close(b, a, atol=1e-5, rtol=1e-5)


def test_program_shards_inputs_and_replicates_weights(mesh):
    m = _model(MLP)
    gm = torch.fx.symbolic_trace(m)
    x = _input(MLP, 8)
    run = torch_ttnn.backend(gm, [x], torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=2))
    (island,) = run.compiled.islands
    text = island.program.graph.to_text()
    assert "f32[8,20]{row_major,host}" in text, text  # the program takes the global batch
    assert 'ttnn.to_device(%' in text and 'mesh_mapper="shard"' in text, text
    assert "bf16[4,64]" in text, text  # the ops run on the per-device batch
    assert 'mesh_composer="concat"' in text and "bf16[8,10]{row_major,host}" in text, text
    # Weights were converted and placed on both devices at compile time: no transfer per call.
    for t in island.program.graph.constant_tensors().values():
        assert len(ttnn.get_device_tensors(t)) == 2
    assert island.program.stats().transfers_to_device == 1
    with torch.no_grad():
        got = run(x)
    assert pcc(got[0], m(x)) >= 0.999


def test_several_inputs_only_batch_major_ones_split(mesh):
    """x and y carry the batch; `table` (dim 0 = 3) is replicated."""

    def fn(x, y, table):
        return torch.relu(x + y) * table.sum(0), x - y

    torch.manual_seed(2)
    for batch in (8, 7):
        torch._dynamo.reset()
        x, y, table = torch.randn(batch, 6), torch.randn(batch, 6), torch.randn(3, 6)
        _compile_dp(fn, [x, y, table], mesh, batch, numerics="fast", exact=True)


def test_batch_change_recompiles(mesh):
    """The same compiled model at batch 8 then 7 (dynamo may hand over a symbolic batch)."""
    m = _model(MLP)
    compiled = torch.compile(m, backend=torch_ttnn.backend,
                             options=torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=2, numerics="fast"))
    for batch in (8, 7, 6):
        x = _input(MLP, batch)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = compiled(x)
            want = m(x)
        assert got.shape == want.shape
        torch.testing.assert_close(got, want, atol=2e-3, rtol=1e-2)


def test_bypass_compile_runs_per_device_chunks(mesh):
    m = _model(MLP)
    x = _input(MLP, 7)
    option = torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=2, bypass_compile=True)
    compiled = torch.compile(m, backend=torch_ttnn.backend, options=option)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = compiled(x)
        want = m(x)
    torch.testing.assert_close(got, want, atol=1e-6, rtol=1e-6)


def test_single_device_raises(device):
    with pytest.raises(ValueError, match="data_parallel=2 needs a ttnn.MeshDevice"):
        torch_ttnn.TorchTtnnOption(device=device, data_parallel=2)


def test_mesh_size_mismatch_raises(mesh):
    with pytest.raises(ValueError, match="the mesh has 2 devices"):
        torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=4)


def _compile_error(fn, inputs, mesh, **kw):
    compiled = torch.compile(fn, backend=torch_ttnn.backend,
                             options=torch_ttnn.TorchTtnnOption(device=mesh, data_parallel=2, **kw))
    with pytest.raises(Exception) as info, torch.no_grad():
        compiled(*inputs)
    return str(info.value)


def test_reduced_output_raises(mesh):
    """A result over the whole batch cannot be assembled from the devices' shares."""
    message = _compile_error(lambda x: torch.relu(x).sum(), [torch.randn(8, 4)], mesh)
    assert "not batch-major" in message and "output 0" in message, message


def test_op_left_in_torch_raises(mesh):
    message = _compile_error(lambda x: torch.erfinv(torch.relu(x) * 0.5), [torch.rand(8, 4)], mesh)
    assert "needs the whole model lowered" in message and "erfinv" in message, message


def test_params_as_inputs_raises(mesh):
    message = _compile_error(_model(MLP), [_input(MLP, 8)], mesh, load_params_once=False)
    assert "load_params_once=True" in message, message


@pytest.mark.parametrize("batch", [8, 7])
def test_integer_input(mesh, batch):
    """Token ids are sharded like float inputs (int32: int64 graph inputs do not cross into programs
    yet, on one device either)."""
    torch.manual_seed(3)
    emb = torch.nn.Embedding(50, 8).eval()
    ids = torch.randint(0, 50, (batch, 5), dtype=torch.int32)
    _compile_dp(emb, [ids], mesh, batch, numerics="fast", exact=True)
