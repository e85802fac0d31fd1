"""Every bad input gives a Python exception (never a crash) whose message names the call that
failed and the value that made it fail."""

import re

import numpy as np
import pytest
import torch

import ttnn

TILE = ttnn.TILE_LAYOUT
RM = ttnn.ROW_MAJOR_LAYOUT


def raises(exc, *fragments):
    """pytest.raises(exc) whose message must contain every fragment (plain text, in order)."""
    return pytest.raises(exc, match="(?s)" + ".*".join(re.escape(f) for f in fragments))


# ------------------------------------------------------------------------------------------------
# block floats need TILE
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [ttnn.bfloat8_b, ttnn.bfloat4_b], ids=["bfloat8_b", "bfloat4_b"])
@pytest.mark.parametrize("on_device", [False, True], ids=["host", "device"])
def test_block_float_in_row_major_is_rejected(request, dtype, on_device):
    dev = request.getfixturevalue("device") if on_device else None
    name = str(dtype).split(".")[-1]
    x = torch.randn(4, 64)
    with raises(ValueError, "ttnn.from_torch", f"dtype {name}", "TILE"):
        ttnn.from_torch(x, dtype=dtype, device=dev)
    with raises(ValueError, "ttnn.from_torch", f"dtype {name}", "TILE"):
        ttnn.from_torch(x, dtype=dtype, layout=RM, device=dev)
    rm = ttnn.from_torch(x, dtype=ttnn.float32, device=dev)
    with raises(ValueError, "ttnn.typecast", f"dtype {name}", "TILE"):
        ttnn.typecast(rm, dtype)
    with raises(ValueError, "ttnn.to_layout", f"dtype {name}", "TILE"):
        ttnn.to_layout(rm, RM, dtype=dtype)
    tiled = ttnn.from_torch(x, dtype=dtype, layout=TILE, device=dev)
    with raises(ValueError, "ttnn.to_layout", f"dtype {name}", "TILE"):
        ttnn.to_layout(tiled, RM)  # untilizing needs a dtype that exists in ROW_MAJOR
    if dev is not None:
        assert dev.memory_stats()["dram_in_use"] == tiled.storage_bytes() + rm.storage_bytes()


# ------------------------------------------------------------------------------------------------
# shapes
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", [RM, TILE], ids=["ROW_MAJOR", "TILE"])
def test_rank_9_is_rejected(request, layout):
    x = torch.zeros([1] * 9)
    with raises(ValueError, "ttnn.from_torch", "rank 9", "maximum rank of 8"):
        ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=layout)
    dev = request.getfixturevalue("device")
    with raises(ValueError, "ttnn.from_torch", "rank 9"):
        ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=layout, device=dev)
    assert dev.memory_stats()["dram_in_use"] == 0
    with raises(ValueError, "ttnn.Shape", "rank 9"):
        ttnn.Shape([1] * 9)
    # rank 8 is fine
    y = torch.arange(2 * 3, dtype=torch.float32).reshape([1] * 6 + [2, 3])
    assert torch.equal(ttnn.to_torch(ttnn.from_torch(y, layout=layout)), y)


def test_bad_shape_values():
    with raises(ValueError, "ttnn.Shape", "dim 0 = -1"):
        ttnn.Shape([-1, 3])
    with raises(ValueError, "ttnn.MeshShape", "expected 2 dims", "got 3"):
        ttnn.MeshShape([1, 2, 3])


# ------------------------------------------------------------------------------------------------
# closed devices and deallocated tensors
# ------------------------------------------------------------------------------------------------
def test_tensor_on_a_closed_device():
    dev = ttnn.open_device(device_id=0)
    t = ttnn.from_torch(torch.randn(8, 8), dtype=ttnn.bfloat16, layout=TILE, device=dev)
    ttnn.close_device(dev)
    calls = {
        "ttnn.to_torch": lambda: ttnn.to_torch(t),
        "ttnn.to_layout": lambda: ttnn.to_layout(t, RM),
        "ttnn.typecast": lambda: ttnn.typecast(t, ttnn.float32),
        "ttnn.from_device": lambda: ttnn.from_device(t),
    }
    for op, call in calls.items():
        with raises(RuntimeError, op, "device 0 is closed"):
            call()
    with raises(RuntimeError, "ttnn.from_torch", "device 0 is closed"):
        ttnn.from_torch(torch.randn(8, 8), device=dev)
    with raises(RuntimeError, "ttnn.to_device", "device 0 is closed"):
        ttnn.to_device(ttnn.from_torch(torch.randn(8, 8)), dev)
    assert "deallocated" in repr(t)


def _deallocated(where, dev):
    t = ttnn.from_torch(torch.randn(40, 50), dtype=ttnn.bfloat16, layout=TILE, device=dev if where == "device" else None)
    ttnn.deallocate(t)
    assert not t.is_allocated()
    return t


USES = {
    "ttnn.to_torch": lambda t, d: ttnn.to_torch(t),
    "ttnn.to_layout": lambda t, d: ttnn.to_layout(t, RM),
    "ttnn.typecast": lambda t, d: ttnn.typecast(t, ttnn.float32),
    "ttnn.from_device": lambda t, d: ttnn.from_device(t),
}


@pytest.mark.parametrize("where", ["host", "device"])
@pytest.mark.parametrize("op", list(USES))
def test_use_after_deallocate(device, where, op):
    t = _deallocated(where, device)
    with raises(RuntimeError, op, "deallocated"):
        USES[op](t, device)


def test_to_device_after_deallocate(device):
    t = _deallocated("host", device)
    with raises(RuntimeError, "ttnn.to_device", "deallocated"):
        ttnn.to_device(t, device)
    assert device.memory_stats()["dram_in_use"] == 0


# Calls that would change nothing (same layout, same dtype, already on that device) still must not
# hand back a dead tensor silently.
NOOP_USES = {
    "to_layout-same-layout": ("ttnn.to_layout", lambda t, d: ttnn.to_layout(t, TILE)),
    "typecast-same-dtype": ("ttnn.typecast", lambda t, d: ttnn.typecast(t, ttnn.bfloat16)),
    "to_device-same-device": ("ttnn.to_device", lambda t, d: ttnn.to_device(t, d)),
}


@pytest.mark.parametrize("case", list(NOOP_USES))
def test_use_after_deallocate_when_nothing_would_change(device, case):
    op, call = NOOP_USES[case]
    t = _deallocated("device", device)
    with raises(RuntimeError, op, "deallocated"):
        call(t, device)


# ------------------------------------------------------------------------------------------------
# dtypes
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["bfloat16", torch.bfloat16, np.float32, 3, None.__class__], ids=repr)
def test_unknown_dtype_objects(bad):
    x = torch.randn(4, 4)
    t = ttnn.from_torch(x)
    shown = repr(bad)
    with raises(TypeError, "ttnn.from_torch", "dtype", shown):
        ttnn.from_torch(x, dtype=bad)
    with raises(TypeError, "ttnn.typecast", "dtype", shown):
        ttnn.typecast(t, bad)
    with raises(TypeError, "ttnn.to_layout", "dtype", shown):
        ttnn.to_layout(t, TILE, dtype=bad)


def test_to_torch_dtype_must_be_a_torch_dtype():
    t = ttnn.from_torch(torch.randn(4, 4))
    with raises(TypeError, "ttnn.to_torch", "dtype", "DataType.FLOAT32"):
        ttnn.to_torch(t, dtype=ttnn.float32)
    with raises(TypeError, "ttnn.to_torch", "dtype", "'float32'"):
        ttnn.to_torch(t, dtype="float32")


def test_unknown_dtype_name():
    with raises(ValueError, "ttnn.DataType", "unknown dtype 'bfloat9'"):
        ttnn._C.parse_dtype("bfloat9")


@pytest.mark.parametrize("torch_dtype", [torch.complex64, torch.complex128, torch.uint64, torch.float8_e4m3fn],
                         ids=str)
def test_torch_dtypes_without_a_ttnn_counterpart(torch_dtype):
    x = torch.zeros(3, 4, dtype=torch_dtype)
    with raises(TypeError, "ttnn.from_torch", str(torch_dtype)):
        ttnn.from_torch(x)
    with raises(TypeError, "ttnn.from_torch", str(torch_dtype)):
        ttnn.from_torch(x, dtype=ttnn.float32)


def test_complex_tensor_named():
    with raises(TypeError, "ttnn.from_torch", "complex", "torch.complex64"):
        ttnn.from_torch(torch.zeros(2, 2, dtype=torch.complex64), dtype=ttnn.bfloat16, layout=TILE)


# ------------------------------------------------------------------------------------------------
# integer ranges
# ------------------------------------------------------------------------------------------------
def test_int64_too_big_for_int32(device):
    x = torch.tensor([[1, 2, 2**40, 4]])
    for kwargs in (dict(), dict(dtype=ttnn.int32), dict(dtype=ttnn.int32, layout=TILE),
                   dict(dtype=ttnn.int32, device=device)):
        with raises(ValueError, "ttnn.from_torch", "value 1099511627776", "flat index 2", "INT32"):
            ttnn.from_torch(x, **kwargs)
    with raises(ValueError, "ttnn.from_torch", "value -2147483649", "INT32"):
        ttnn.from_torch(torch.tensor([-(2**31) - 1]), dtype=ttnn.int32)
    assert device.memory_stats()["dram_in_use"] == 0


@pytest.mark.parametrize("torch_dtype", [torch.int8, torch.int16, torch.int32, torch.int64], ids=str)
def test_negative_value_into_uint8(torch_dtype, device):
    x = torch.tensor([5, 0, -3], dtype=torch_dtype)
    with raises(ValueError, "ttnn.from_torch", "value -3", "UINT8"):
        ttnn.from_torch(x, dtype=ttnn.uint8)
    with raises(ValueError, "ttnn.from_torch", "value -3", "UINT8"):
        ttnn.from_torch(x, dtype=ttnn.uint8, layout=TILE, device=device)


@pytest.mark.parametrize(
    "values,dtype,shown",
    [([256], ttnn.uint8, "value 256"), ([70000], ttnn.uint16, "value 70000"), ([-1], ttnn.uint16, "value -1"),
     ([2**32], ttnn.uint32, "value 4294967296"), ([-1], ttnn.uint32, "value -1")],
    ids=["uint8-256", "uint16-70000", "uint16-neg", "uint32-2^32", "uint32-neg"],
)
def test_integer_out_of_range(values, dtype, shown):
    with raises(ValueError, "ttnn.from_torch", shown, str(dtype).split(".")[-1]):
        ttnn.from_torch(torch.tensor(values, dtype=torch.int64), dtype=dtype)


def test_out_of_range_values_when_sharding_over_a_mesh(mesh_device):
    x = torch.tensor([[1, 2], [3, -7]])
    with raises(ValueError, "ttnn.from_torch", "value -7", "UINT16"):
        ttnn.from_torch(x, dtype=ttnn.uint16, device=mesh_device, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, 0))
    with raises(ValueError, "ttnn.from_torch", "value -7", "UINT16"):
        ttnn.from_torch(x, dtype=ttnn.uint16, device=mesh_device)


# ------------------------------------------------------------------------------------------------
# wrong argument types
# ------------------------------------------------------------------------------------------------
NOT_TENSORS = [torch.zeros(2), np.zeros(2), [1.0, 2.0], None, 3.5]


@pytest.mark.parametrize("bad", NOT_TENSORS, ids=lambda v: type(v).__name__)
def test_not_a_ttnn_tensor(bad, device):
    kind = type(bad).__name__
    calls = {
        "ttnn.to_torch": lambda: ttnn.to_torch(bad),
        "ttnn.to_layout": lambda: ttnn.to_layout(bad, TILE),
        "ttnn.typecast": lambda: ttnn.typecast(bad, ttnn.float32),
        "ttnn.to_device": lambda: ttnn.to_device(bad, device),
        "ttnn.from_device": lambda: ttnn.from_device(bad),
        "ttnn.deallocate": lambda: ttnn.deallocate(bad),
    }
    for op, call in calls.items():
        with raises(TypeError, op, "tensor must be a ttnn.Tensor", f"({kind})"):
            call()
    with raises(TypeError, "get_device_tensors", kind if kind != "NoneType" else "None"):
        ttnn.get_device_tensors(bad)


@pytest.mark.parametrize("bad", [np.zeros((2, 2)), [[1.0, 2.0]], 1.5, None], ids=lambda v: type(v).__name__)
def test_from_torch_needs_a_torch_tensor(bad):
    with raises(TypeError, "ttnn.from_torch", "tensor must be a torch.Tensor", f"({type(bad).__name__})"):
        ttnn.from_torch(bad)


def test_wrong_layout_device_and_config_types(device):
    x = torch.randn(4, 4)
    t = ttnn.from_torch(x)
    with raises(TypeError, "ttnn.from_torch", "layout", "'TILE'"):
        ttnn.from_torch(x, layout="TILE")
    with raises(TypeError, "ttnn.to_layout", "layout", "'TILE'"):
        ttnn.to_layout(t, "TILE")
    with raises(TypeError, "ttnn.from_torch", "memory_config", "'L1'"):
        ttnn.from_torch(x, device=device, memory_config="L1")
    with raises(TypeError, "ttnn.to_device", "memory_config", "'L1'"):
        ttnn.to_device(t, device, memory_config="L1")
    with raises(TypeError, "ttnn.to_device", "device", "None"):
        ttnn.to_device(t, None)
    with raises(TypeError, "ttnn.from_torch", "mesh_mapper", "'shard'"):
        ttnn.from_torch(x, mesh_mapper="shard")
    with raises(TypeError, "ttnn.to_torch", "mesh_composer", "'cat'"):
        ttnn.to_torch(t, mesh_composer="cat")
    with raises(ValueError, "ttnn.from_torch", "tile=(16, 32)"):
        ttnn.from_torch(x, tile=(16, 32))


@pytest.mark.parametrize("bad", ["seven", [1.0]], ids=["str", "list"])
def test_bad_pad_value_names_the_call(bad):
    x = torch.randn(4, 4)
    with pytest.raises((TypeError, ValueError), match=r"ttnn.from_torch.*pad_value"):
        ttnn.from_torch(x, layout=TILE, pad_value=bad)
    with pytest.raises((TypeError, ValueError), match=r"ttnn.to_layout.*pad_value"):
        ttnn.to_layout(ttnn.from_torch(x), TILE, pad_value=bad)


def test_device_strings_are_not_devices():
    x = torch.randn(4, 4)
    for bad in ("cuda", "cuda:0", "cpu", 0):
        with raises(TypeError, "ttnn.from_torch", "device must be a ttnn.Device or ttnn.MeshDevice", repr(bad)):
            ttnn.from_torch(x, device=bad)
        with raises(TypeError, "ttnn.to_device", "device", repr(bad)):
            ttnn.to_device(ttnn.from_torch(x), bad)


def test_torch_tensor_not_on_the_cpu():
    x = torch.zeros(3, 4, device="meta")
    with raises(ValueError, "ttnn.from_torch", "device 'meta'", "CPU"):
        ttnn.from_torch(x)


def test_mesh_mappers_check_their_arguments(mesh_device):
    with raises(TypeError, "ShardTensorToMesh", "mesh_device must be a ttnn.MeshDevice", "<ttnn.Device id=1>"):
        ttnn.ShardTensorToMesh(mesh_device.get_devices()[1], dim=0)
    with raises(TypeError, "ShardTensorToMesh", "dim must be an int", "'0'"):
        ttnn.ShardTensorToMesh(mesh_device, dim="0")
    with raises(TypeError, "ConcatMeshToTensor", "dim must be an int", "1.5"):
        ttnn.ConcatMeshToTensor(mesh_device, dim=1.5)
    with raises(TypeError, "ReplicateTensorToMesh", "mesh_device", "None"):
        ttnn.ReplicateTensorToMesh(None)


def test_shard_dim_that_does_not_divide(mesh_device):
    with raises(ValueError, "ttnn.from_torch", "ShardTensorToMesh(dim=0)", "size 7 of dim 0", "[7, 4]",
                "does not divide into 2 devices"):
        ttnn.from_torch(torch.randn(7, 4), device=mesh_device, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, 0))
    with raises(ValueError, "ttnn.from_torch", "size 33 of dim 2"):
        ttnn.from_torch(torch.randn(2, 4, 33), mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, -1))


# ------------------------------------------------------------------------------------------------
# memory and devices
# ------------------------------------------------------------------------------------------------
def test_out_of_memory_is_a_memory_error():
    dev = ttnn.open_device(device_id=0, dram_size=8 * 1024)
    try:
        with pytest.raises(MemoryError) as info:
            ttnn.from_torch(torch.randn(64, 64), dtype=ttnn.float32, layout=TILE, device=dev)
        assert isinstance(info.value, ttnn.OutOfMemoryError)
        msg = str(info.value)
        for part in ("ttnn.from_torch", "out of memory on device 0", "[64, 64] FLOAT32 TILE", "needs 16.00 KiB",
                     "0 B of 8.00 KiB in use"):
            assert part in msg, (part, msg)
    finally:
        ttnn.close_device(dev)


def test_mesh_shape_with_too_many_devices():
    n = ttnn.get_num_devices()
    with raises(ValueError, "ttnn.open_mesh_device", "MeshShape(4, 4) needs 16 devices", f"offers {n}"):
        ttnn.open_mesh_device(ttnn.MeshShape(4, 4))
    with raises(ValueError, "ttnn.open_mesh_device", "MeshShape(0, 2) has no devices"):
        ttnn.open_mesh_device(ttnn.MeshShape(0, 2))
    with raises(ValueError, "ttnn.open_mesh_device", "needs 2 device ids, got 3"):
        ttnn.open_mesh_device(ttnn.MeshShape(1, 2), device_ids=[0, 1, 2])
    with raises(ValueError, "ttnn.open_mesh_device", "device ids repeat"):
        ttnn.open_mesh_device(ttnn.MeshShape(1, 2), device_ids=[3, 3])
    # nothing was left open by the failures
    mesh = ttnn.open_mesh_device(ttnn.MeshShape(2, 4))
    ttnn.close_mesh_device(mesh)


def test_failed_mesh_open_releases_the_devices_it_opened():
    blocker = ttnn.open_device(device_id=1)
    try:
        with raises(RuntimeError, "ttnn.open_mesh_device", "device 1 is already open"):
            ttnn.open_mesh_device(ttnn.MeshShape(1, 2))
        dev0 = ttnn.open_device(device_id=0)  # device 0 was opened, then closed again
        ttnn.close_device(dev0)
    finally:
        ttnn.close_device(blocker)


def test_opening_an_open_device_again(device):
    with raises(RuntimeError, "ttnn.open_device", "device 0 is already open"):
        ttnn.open_device(device_id=0)


def test_multi_device_tensor_to_torch_without_composer(mesh_device):
    t = ttnn.from_torch(torch.randn(4, 4), device=mesh_device, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, 1))
    with raises(ValueError, "ttnn.to_torch", "spread over 2 devices", "ConcatMeshToTensor"):
        ttnn.to_torch(t)
    with raises(ValueError, "ttnn.to_device", "2 mesh shards"):
        ttnn.to_device(ttnn.from_torch(torch.randn(4, 4), mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, 0)),
                       mesh_device.get_devices()[0])
    with raises(ValueError, "ttnn.to_torch", "dim=5 is out of range for a tensor of rank 2"):
        ttnn.to_torch(t, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=5))


def test_device_tensor_to_another_memory_config(device):
    t = ttnn.from_torch(torch.randn(32, 32), device=device)
    with raises(ValueError, "ttnn.to_device", "already on a device"):
        ttnn.to_device(t, device, memory_config=ttnn.L1_MEMORY_CONFIG)


def test_torch_rank_that_cannot_be_reached():
    t = ttnn.from_torch(torch.randn(2, 1, 3, 4))
    with raises(ValueError, "ttnn.to_torch", "cannot drop dim 0 of size 2", "torch_rank=2"):
        ttnn.to_torch(t, torch_rank=2)
    assert ttnn.to_torch(ttnn.from_torch(torch.randn(1, 1, 3, 4)), torch_rank=2).shape == (3, 4)
