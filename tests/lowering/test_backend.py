"""The backend and its options: each TorchTtnnOption field does what its name says; programs are
thread-safe, check their inputs, recompile on shape changes, and compile training graphs."""

import concurrent.futures
import json
import os
import subprocess
import sys

import pytest
import torch

import ttnn
import torch_ttnn
from lowering_check import compile_and_check, pcc


def mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 8)).eval()


def test_registered_backend_name(device):
    compiled = torch.compile(torch.relu, backend="ttnn", options=torch_ttnn.TorchTtnnOption(device=device))
    x = torch.randn(5, 6)
    assert torch.equal(compiled(x), torch.relu(x).to(torch.bfloat16).float())


@pytest.mark.parametrize("field, value, message", [
    ("numerics", "exact", "numerics='exact'"),
    ("activation_dtype", "int8", "activation_dtype='int8'"),
    ("data_parallel", 0, "data_parallel=0"),
    ("device", "cpu", "device='cpu'"),
    ("math_fidelity", "HiFi9", "math_fidelity='HiFi9'"),
])
def test_option_errors_name_the_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        torch_ttnn.TorchTtnnOption(**{field: value})


def test_data_parallel_needs_a_mesh(device):
    with pytest.raises(ValueError, match="data_parallel=2 needs a ttnn.MeshDevice"):
        torch_ttnn.TorchTtnnOption(device=device, data_parallel=2)


def test_bad_options_object():
    # dynamo wraps backend errors in BackendCompilerFailed; the message names the bad field.
    with pytest.raises(Exception, match=r"unknown option\(s\) \['nonsense'\]"):
        torch.compile(torch.relu, backend=torch_ttnn.backend, options={"device": None, "nonsense": 1})(torch.ones(2))


def test_options_as_dict(device):
    compiled = torch.compile(torch.relu, backend=torch_ttnn.backend, options={"device": device, "numerics": "fast"})
    x = torch.randn(3, 4)
    assert torch.equal(compiled(x), torch.relu(x))


def test_metrics_file(device, tmp_path):
    path = tmp_path / "metrics.json"
    model = mlp()
    x = torch.randn(4, 16)
    compiled = torch.compile(model, backend=torch_ttnn.backend,
                             options=torch_ttnn.TorchTtnnOption(device=device, metrics_path=str(path)))
    with torch.no_grad():
        compiled(x)
    m = json.loads(path.read_text())
    for key in ("ops_before", "ops_after_in_torch", "unique_ops_before", "unique_ops_remaining",
                "device_transfers", "aten_ops", "input_variations", "graphs"):
        assert key in m
    assert m["ops_before"] >= 3
    assert "aten.relu.default" in m["aten_ops"]
    assert m["input_variations"]["aten.relu.default"] == ["Tensor<[4, 32], float32>"]


def test_verbose_prints_ir(device, capsys):
    compiled = torch.compile(torch.relu, backend=torch_ttnn.backend,
                             options=torch_ttnn.TorchTtnnOption(device=device, verbose=True))
    compiled(torch.randn(2, 2))
    out = capsys.readouterr().out
    assert "after lower" in out and "ttnn.relu(" in out and "after eliminate-dead-code" in out


def test_gen_graphviz_writes_a_graph_per_pass(device, tmp_path):
    option = torch_ttnn.TorchTtnnOption(device=device, gen_graphviz=True, graphviz_dir=str(tmp_path))
    torch.compile(torch.relu, backend=torch_ttnn.backend, options=option)(torch.randn(2, 2))
    files = sorted(os.listdir(tmp_path))
    assert any("lower" in f for f in files) and len(files) >= len(ttnn._C.graph.pass_names())
    assert all(open(tmp_path / f).read().startswith("digraph") for f in files)


def test_bypass_compile_runs_the_traced_graph_in_torch(device, tmp_path):
    path = tmp_path / "m.json"
    option = torch_ttnn.TorchTtnnOption(device=device, bypass_compile=True, metrics_path=str(path))
    x = torch.randn(3, 3)
    assert torch.equal(torch.compile(torch.relu, backend=torch_ttnn.backend, options=option)(x), torch.relu(x))
    assert not path.exists()  # nothing was compiled


def conv_linear():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.Linear(5, 4)).eval()


@pytest.mark.parametrize("fn, shape, expected, op", [
    (torch.relu, (4, 5), "[4, 5]", "ttnn.relu("),
    (conv_linear(), (1, 3, 6, 5), "[1, 8, 6, 4]", "ttnn.conv2d(input_tensor="),
])
def test_export_code_script_reproduces_the_program(device, tmp_path, fn, shape, expected, op):
    option = torch_ttnn.TorchTtnnOption(device=device, export_code=str(tmp_path))
    with torch.no_grad():
        torch.compile(fn, backend=torch_ttnn.backend, options=option)(torch.randn(*shape))
    scripts = [f for f in os.listdir(tmp_path) if f.endswith(".py")]
    assert scripts
    text = (tmp_path / scripts[0]).read_text()
    assert op in text
    path = os.pathsep.join(os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
    done = subprocess.run([sys.executable, scripts[0]], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": path})
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout


def test_load_params_once_freezes_parameters(device, tmp_path):
    path = tmp_path / "m.json"
    model = mlp()
    x = torch.randn(2, 16)
    option = torch_ttnn.TorchTtnnOption(device=device, metrics_path=str(path))
    compiled = torch.compile(model, backend=torch_ttnn.backend, options=option)
    with torch.no_grad():
        compiled(x)
    graph = json.loads(path.read_text())["graphs"][0]
    # Weights are constants of the program: only the activation crosses per call, plus the output.
    assert graph["device_transfers"] == 2


def test_without_load_params_once_weights_are_inputs(device, tmp_path):
    path = tmp_path / "m.json"
    option = torch_ttnn.TorchTtnnOption(device=device, metrics_path=str(path), load_params_once=False)
    with torch.no_grad():
        torch.compile(mlp(), backend=torch_ttnn.backend, options=option)(torch.randn(2, 16))
    assert json.loads(path.read_text())["graphs"][0]["device_transfers"] == 6  # x, 2 weights, 2 biases, out


def test_one_compiled_model_from_many_threads(device):
    model = mlp()
    compiled = torch.compile(model, backend=torch_ttnn.backend, options=torch_ttnn.TorchTtnnOption(device=device))
    inputs = [torch.randn(8, 16, generator=torch.Generator().manual_seed(i)) for i in range(16)]
    with torch.no_grad():
        compiled(inputs[0])  # compile once
        expected = [compiled(x) for x in inputs]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            got = list(pool.map(compiled, inputs))
    for e, g in zip(expected, got):
        assert torch.equal(e, g)


def test_shape_change_recompiles(device):
    compiled = torch.compile(torch.relu, backend=torch_ttnn.backend,
                             options=torch_ttnn.TorchTtnnOption(device=device, numerics="fast"))
    for shape in [(2, 3), (5, 7), (1, 9), (4, 4, 4)]:
        x = torch.randn(*shape)
        assert torch.equal(compiled(x), torch.relu(x))


def test_program_rejects_inputs_of_another_signature(device):
    g = ttnn._C.graph.Graph()
    x = g.add_input([2, 3], "f32", "x")
    y = g.add_node("aten::relu.default", [ttnn._C.graph.Ref(x)], {}, [([2, 3], "f32")])
    g.set_outputs(y)
    program, _ = ttnn._C.graph.compile(g, ttnn._C.graph.LowerOptions(), device)
    with pytest.raises(ValueError, match=r"input 0 \('x'\) was compiled for f32\[2,3\].*got FLOAT32\[3,2\]"):
        program.run([ttnn.from_torch(torch.zeros(3, 2))])
    with pytest.raises(ValueError, match="expected 1 inputs, got 2"):
        program.run([ttnn.from_torch(torch.zeros(2, 3))] * 2)


def test_unsupported_ops_stay_in_torch(device):
    # aten.cummax has no lowering rule: the graph is split, the rest still runs on TT-NN.
    def fn(x):
        return torch.relu(torch.cummax(torch.relu(x), dim=1).values)

    got, metrics = compile_and_check(fn, [torch.randn(3, 8)], device, expect_lowered=False, min_pcc=0.99)
    assert metrics["ops_after_in_torch"] == 1
    assert not metrics["aten_ops"]["aten.cummax.default"]["lowered"]
    assert "no lowering rule" in metrics["aten_ops"]["aten.cummax.default"]["reason"]
    assert metrics["aten_ops"]["aten.relu.default"]["lowered"]


def test_training_graph_compiles_forward_and_backward(device, tmp_path):
    path = tmp_path / "m.json"
    torch.manual_seed(0)
    model = mlp().train()
    x = torch.randn(4, 16, requires_grad=True)
    ref_model = mlp().train()
    ref_x = x.detach().clone().requires_grad_(True)
    ref_model(ref_x).sum().backward()
    option = torch_ttnn.TorchTtnnOption(device=device, metrics_path=str(path), numerics="fast")
    compiled = torch.compile(model, backend=torch_ttnn.backend, options=option)
    compiled(x).sum().backward()
    assert pcc(x.grad, ref_x.grad) > 0.9999
    assert pcc(model[0].weight.grad, ref_model[0].weight.grad) > 0.9999
    names = [g["name"] for g in json.loads(path.read_text())["graphs"]]
    assert any(n.startswith("forward") for n in names) and any(n.startswith("backward") for n in names)


def test_default_device_taken_by_the_user_is_a_clear_error():
    """TorchTtnnOption(device=None) opens device 0; if the user already holds it, the error says
    to pass that device (a fresh process: the test session's own default device may be open)."""
    code = (
        "import torch, ttnn, torch_ttnn\n"
        "d = ttnn.open_device(device_id=0)\n"
        "f = torch.compile(lambda x: x + 1, backend=torch_ttnn.backend)\n"
        "try:\n"
        "    f(torch.ones(3))\n"
        "except Exception as e:\n"
        "    print('ERR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300).stdout
    assert "ERR" in out and "already open" in out and "TorchTtnnOption(device=" in out, out
