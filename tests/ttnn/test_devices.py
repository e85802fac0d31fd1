"""Devices and meshes: opening and closing, memory accounting and budgets, L1 sharding, mesh
mappers and composers."""

import gc
import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ttnn

TILE = ttnn.TILE_LAYOUT
RM = ttnn.ROW_MAJOR_LAYOUT


def tiles(shape):
    shape = (1,) * max(0, 2 - len(shape)) + tuple(shape)
    return math.prod(shape[:-2]) * -(-shape[-2] // 32) * -(-shape[-1] // 32)


def dram(dev):
    return dev.memory_stats()["dram_in_use"]


def height_sharded(shard_shape, end_x=7, end_y=0, layout=ttnn.TensorMemoryLayout.HEIGHT_SHARDED):
    grid = ttnn.CoreRangeSet([ttnn.CoreRange(ttnn.CoreCoord(0, 0), ttnn.CoreCoord(end_x, end_y))])
    return ttnn.MemoryConfig(layout, ttnn.BufferType.L1, ttnn.ShardSpec(grid, shard_shape, ttnn.ShardOrientation.ROW_MAJOR))


# ------------------------------------------------------------------------------------------------
# open / close
# ------------------------------------------------------------------------------------------------
def test_open_and_close_device():
    dev = ttnn.open_device(device_id=0)
    try:
        assert dev.is_open() and dev.id() == 0
        assert "closed" not in repr(dev)
    finally:
        ttnn.close_device(dev)
    assert not dev.is_open()
    assert "closed" in repr(dev)
    ttnn.close_device(dev)  # closing twice is harmless
    again = ttnn.open_device(device_id=0)  # the id is free again
    try:
        assert again.is_open()
    finally:
        ttnn.close_device(again)


def test_default_grid_is_8x8(device):
    grid = device.compute_with_storage_grid_size()
    assert (grid.x, grid.y) == (8, 8)


def test_custom_grid_and_sizes():
    dev = ttnn.open_device(device_id=1, grid=(4, 2), dram_size=1 << 20, l1_size_per_core=1 << 16)
    try:
        grid = dev.compute_with_storage_grid_size()
        assert (grid.x, grid.y) == (4, 2)
        stats = dev.memory_stats()
        assert stats["dram_budget"] == 1 << 20 and stats["l1_budget_per_core"] == 1 << 16
    finally:
        ttnn.close_device(dev)


def test_opening_an_open_device_twice_raises(device):
    with pytest.raises(RuntimeError, match=r"ttnn.open_device: device 0 is already open"):
        ttnn.open_device(device_id=0)
    assert device.is_open()  # the failed open leaves the open device alone


def test_device_ids_out_of_range():
    n = ttnn.get_num_devices()
    assert n >= 2
    with pytest.raises(ValueError, match=rf"device_id={n} is out of range"):
        ttnn.open_device(device_id=n)
    with pytest.raises(ValueError, match=r"device_id=-1"):
        ttnn.open_device(device_id=-1)


def test_tensor_on_a_closed_device_raises():
    dev = ttnn.open_device(device_id=0)
    t = ttnn.from_torch(torch.randn(40, 40), dtype=ttnn.bfloat16, layout=TILE, device=dev)
    ttnn.close_device(dev)
    assert not t.is_allocated()
    for call in (lambda: ttnn.to_torch(t), lambda: ttnn.from_device(t), lambda: ttnn.typecast(t, ttnn.float32),
                 lambda: ttnn.to_layout(t, RM)):
        with pytest.raises(RuntimeError, match=r"device 0 is closed"):
            call()
    with pytest.raises(RuntimeError, match=r"ttnn.from_torch: device 0 is closed"):
        ttnn.from_torch(torch.randn(4, 4), device=dev)
    with pytest.raises(RuntimeError, match=r"ttnn.to_device: device 0 is closed"):
        ttnn.to_device(ttnn.from_torch(torch.randn(4, 4)), dev)


# ------------------------------------------------------------------------------------------------
# memory accounting
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dtype,layout,tile_bytes,elem_bytes",
    [(ttnn.bfloat8_b, TILE, 1088, None), (ttnn.bfloat4_b, TILE, 576, None), (ttnn.bfloat16, TILE, 2048, None),
     (ttnn.float32, TILE, 4096, None), (ttnn.uint8, TILE, 1024, None), (ttnn.float32, RM, None, 4),
     (ttnn.bfloat16, RM, None, 2), (ttnn.uint16, RM, None, 2), (ttnn.uint32, RM, None, 4)],
    ids=lambda v: str(v).split(".")[-1])
def test_dram_accounting(device, dtype, layout, tile_bytes, elem_bytes):
    shape = (3, 50, 70)
    want = tiles(shape) * tile_bytes if layout == TILE else math.prod(shape) * elem_bytes
    if tile_bytes:
        assert ttnn.tile_size_bytes(dtype) == tile_bytes
    base = device.memory_stats()
    assert base["dram_in_use"] == 0 and base["num_buffers"] == 0
    t = ttnn.from_torch(torch.rand(shape) * 100, dtype=dtype, layout=layout, device=device)
    assert t.storage_bytes() == want
    stats = device.memory_stats()
    assert stats["dram_in_use"] == want
    assert stats["num_buffers"] == 1
    assert stats["l1_in_use_total"] == 0
    ttnn.deallocate(t)
    assert device.memory_stats()["dram_in_use"] == 0


def test_num_buffers_counts_live_buffers_only(device):
    t = ttnn.from_torch(torch.randn(64, 64), dtype=ttnn.bfloat16, layout=TILE, device=device)
    u = ttnn.from_torch(torch.randn(64, 64), dtype=ttnn.bfloat16, layout=TILE, device=device)
    assert device.memory_stats()["num_buffers"] == 2
    ttnn.deallocate(t)  # freed: its memory is back...
    stats = device.memory_stats()
    assert stats["dram_in_use"] == 4 * 2048
    assert stats["num_buffers"] == 1, "...and a deallocated buffer is no longer a live buffer"
    del u
    gc.collect()
    assert device.memory_stats()["num_buffers"] == 0


def test_bfloat8_b_tile_is_1088_bytes(device):
    t = ttnn.from_torch(torch.randn(32, 32), dtype=ttnn.bfloat8_b, layout=TILE, device=device)
    assert dram(device) == 1088
    u = ttnn.from_torch(torch.randn(2, 33, 65), dtype=ttnn.bfloat8_b, layout=TILE, device=device)
    assert dram(device) == 1088 + 2 * 2 * 3 * 1088
    ttnn.deallocate(t)
    assert dram(device) == 2 * 2 * 3 * 1088
    ttnn.deallocate(u)
    assert dram(device) == 0


def test_memory_returns_when_tensors_are_dropped_and_ops_allocate(device):
    x = torch.randn(64, 64)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE, device=device)
    assert dram(device) == 4 * 2048
    u = ttnn.typecast(t, ttnn.float32)  # a new buffer on the device
    assert u.storage_type() == ttnn.StorageType.DEVICE
    assert dram(device) == 4 * 2048 + 4 * 4096
    v = ttnn.to_layout(u, RM)
    assert dram(device) == 4 * 2048 + 4 * 4096 + 64 * 64 * 4
    h = ttnn.from_device(v)  # host copies cost no device memory
    assert dram(device) == 4 * 2048 + 4 * 4096 + 64 * 64 * 4
    del t, u, v
    gc.collect()
    assert dram(device) == 0
    assert torch.equal(ttnn.to_torch(h), x.to(torch.bfloat16).float())
    w = ttnn.to_device(h, device)
    assert dram(device) == 64 * 64 * 4
    ttnn.deallocate(w)
    ttnn.deallocate(w)  # idempotent: nothing is returned twice
    assert dram(device) == 0


def test_out_of_memory_names_the_request_and_the_usage():
    dev = ttnn.open_device(device_id=0, dram_size=64 * 1024)
    try:
        a = ttnn.from_torch(torch.randn(64, 128), dtype=ttnn.float32, layout=TILE, device=dev)  # 32 KiB
        assert dram(dev) == 32 * 1024
        with pytest.raises(MemoryError) as info:
            ttnn.from_torch(torch.randn(96, 128), dtype=ttnn.float32, layout=TILE, device=dev)  # 48 KiB
        assert isinstance(info.value, ttnn.OutOfMemoryError)
        msg = str(info.value)
        assert msg.startswith("ttnn.from_torch:"), msg
        assert "[96, 128]" in msg and "FLOAT32" in msg and "TILE" in msg  # the request...
        assert "48.00 KiB" in msg  # ...and its size
        assert "32.00 KiB of 64.00 KiB in use" in msg  # the usage
        assert dram(dev) == 32 * 1024  # the failed request holds nothing
        with pytest.raises(ttnn.OutOfMemoryError, match=r"ttnn.to_device: .*\[128, 128\] FLOAT32 ROW_MAJOR.*needs 64.00 KiB"):
            ttnn.to_device(ttnn.from_torch(torch.randn(128, 128)), dev)
        ttnn.deallocate(a)
        b = ttnn.from_torch(torch.randn(96, 128), dtype=ttnn.float32, layout=TILE, device=dev)
        assert dram(dev) == 48 * 1024 and b.is_allocated()
    finally:
        ttnn.close_device(dev)


def test_out_of_memory_in_typecast():
    dev = ttnn.open_device(device_id=0, dram_size=40 * 1024)
    try:
        a = ttnn.from_torch(torch.randn(64, 128), dtype=ttnn.bfloat16, layout=TILE, device=dev)  # 16 KiB
        with pytest.raises(MemoryError, match=r"ttnn.typecast: out of memory on device 0: .*needs 32.00 KiB of DRAM"):
            ttnn.typecast(a, ttnn.float32)
        c = ttnn.typecast(a, ttnn.bfloat8_b)  # 8 tiles of 1088 bytes fit
        assert dram(dev) == 16 * 1024 + 8 * 1088
        assert c.dtype == ttnn.bfloat8_b
    finally:
        ttnn.close_device(dev)


# ------------------------------------------------------------------------------------------------
# L1 and sharding
# ------------------------------------------------------------------------------------------------
def test_l1_interleaved(device):
    x = torch.randn(64, 96)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE, device=device, memory_config=ttnn.L1_MEMORY_CONFIG)
    assert t.memory_config() == ttnn.L1_MEMORY_CONFIG
    assert t.memory_config().buffer_type == ttnn.BufferType.L1
    stats = device.memory_stats()
    assert stats["dram_in_use"] == 0
    # 6 tiles spread round robin over 64 cores: every core reserves one page
    assert stats["l1_in_use_max_core"] == 2048 and stats["l1_in_use_total"] == 64 * 2048
    assert torch.equal(ttnn.to_torch(t), x.to(torch.bfloat16))


def test_height_sharded_l1_is_accepted(device):
    mc = height_sharded([64, 96])
    assert mc.is_sharded() and mc.shard_spec.shape == [64, 96]
    assert mc.shard_spec.grid.num_cores() == 8
    x = torch.randn(8, 64, 96)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE, device=device, memory_config=mc)
    assert t.is_sharded() and t.memory_config() == mc
    stats = device.memory_stats()
    assert stats["dram_in_use"] == 0
    assert stats["l1_in_use_max_core"] == 6 * 2048 and stats["l1_in_use_total"] == 8 * 6 * 2048
    assert torch.equal(ttnn.to_torch(t), x.to(torch.bfloat16))
    host = ttnn.from_device(t)
    assert host.memory_config() == ttnn.DRAM_MEMORY_CONFIG
    ttnn.deallocate(t)
    assert device.memory_stats()["l1_in_use_total"] == 0
    # bfloat8_b shards: 6 tiles of 1088 bytes per core
    u = ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=TILE, device=device, memory_config=mc)
    assert device.memory_stats()["l1_in_use_max_core"] == 6 * 1088
    assert u.is_sharded()
    # to_device with a sharded config
    w = ttnn.to_device(ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE), device, memory_config=mc)
    assert w.memory_config() == mc


def test_row_major_shards_need_not_be_tile_multiples(device):
    mc = height_sharded([60, 96])
    t = ttnn.from_torch(torch.randn(8, 60, 96), dtype=ttnn.float32, layout=RM, device=device, memory_config=mc)
    assert t.is_sharded()
    assert device.memory_stats()["l1_in_use_max_core"] == 60 * 96 * 4


HS, WS, BS = "HEIGHT_SHARDED", "WIDTH_SHARDED", "BLOCK_SHARDED"


@pytest.mark.parametrize(
    "shape,shard,layout_name,message",
    [
        ((9, 64, 96), ([64, 96], 7, 0, HS), "TILE",
         r"HEIGHT_SHARDED tensor \[576, 96\] needs 9 shards of \[64, 96\] but the grid has 8 cores"),
        ((8, 64, 128), ([64, 96], 7, 0, HS), "TILE", r"HEIGHT_SHARDED shard width 96 must equal the tensor width 128"),
        ((8, 64, 96), ([60, 96], 7, 0, HS), "TILE", r"shard shape \[60, 96\] is not a multiple of the 32x32 tile"),
        ((8, 64, 96), ([64, 96], 9, 0, HS), "TILE", r"shard core \(x=8,y=0\) is outside the device's 8x8 grid"),
        ((8, 60, 96), ([64, 96], 9, 0, HS), "ROW_MAJOR", r"shard core \(x=8,y=0\) is outside the device's 8x8 grid"),
        ((64, 256), ([32, 64], 7, 0, WS), "TILE", r"WIDTH_SHARDED shard height 32 must equal the tensor height 64"),
        ((64, 512), ([64, 32], 7, 0, WS), "TILE", r"WIDTH_SHARDED tensor \[64, 512\] needs 16 shards"),
        ((128, 128), ([32, 32], 1, 1, BS), "TILE",
         r"BLOCK_SHARDED tensor \[128, 128\] in shards of \[32, 32\] needs a 4x4 grid, got 2x2"),
    ],
    ids=["too-many-shards", "width-mismatch", "not-tile-multiple", "outside-grid", "outside-grid-rm",
         "width-sharded-height", "width-sharded-count", "block-grid"],
)
def test_sharded_configs_rejected_with_clear_messages(device, shape, shard, layout_name, message):
    shard_shape, end_x, end_y, kind = shard
    mc = height_sharded(shard_shape, end_x, end_y, getattr(ttnn.TensorMemoryLayout, kind))
    layout = getattr(ttnn.Layout, layout_name)
    with pytest.raises(ValueError, match=r"ttnn.from_torch: " + message):
        ttnn.from_torch(torch.randn(shape), dtype=ttnn.bfloat16, layout=layout, device=device, memory_config=mc)
    with pytest.raises(ValueError, match=r"ttnn.to_device: " + message):
        ttnn.to_device(ttnn.from_torch(torch.randn(shape), dtype=ttnn.bfloat16, layout=layout), device,
                       memory_config=mc)
    stats = device.memory_stats()
    assert stats["l1_in_use_total"] == 0 and stats["dram_in_use"] == 0


def test_width_and_block_sharding_accepted(device):
    w = height_sharded([64, 32], layout=ttnn.TensorMemoryLayout.WIDTH_SHARDED)
    x = torch.randn(64, 256)
    t = ttnn.from_torch(x, dtype=ttnn.float32, layout=TILE, device=device, memory_config=w)
    assert t.memory_config() == w and torch.equal(ttnn.to_torch(t), x)
    b = height_sharded([32, 32], end_x=3, end_y=3, layout=ttnn.TensorMemoryLayout.BLOCK_SHARDED)
    u = ttnn.from_torch(torch.randn(128, 128), dtype=ttnn.bfloat16, layout=TILE, device=device, memory_config=b)
    assert u.memory_config() == b


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda: ttnn.MemoryConfig(ttnn.TensorMemoryLayout.HEIGHT_SHARDED, ttnn.BufferType.L1),
         r"ttnn.MemoryConfig: memory_layout=HEIGHT_SHARDED needs a shard_spec"),
        (lambda: ttnn.MemoryConfig(ttnn.TensorMemoryLayout.INTERLEAVED, ttnn.BufferType.L1,
                                   height_sharded([64, 96]).shard_spec),
         r"ttnn.MemoryConfig: an INTERLEAVED memory config cannot have a shard_spec"),
        (lambda: ttnn.MemoryConfig(ttnn.TensorMemoryLayout.INTERLEAVED, ttnn.BufferType.SYSTEM_MEMORY),
         r"buffer_type=SYSTEM_MEMORY is not supported"),
        (lambda: height_sharded([0, 96]), r"shard shape \[0, 96\] has a zero dim"),
        (lambda: ttnn.ShardSpec(ttnn.CoreRangeSet([ttnn.CoreRange(ttnn.CoreCoord(0, 0), ttnn.CoreCoord(1, 0))]),
                                [1, 64, 96]), r"ttnn.ShardSpec: shard shape must have 2 dims"),
        (lambda: ttnn.CoreRangeSet([ttnn.CoreRange(ttnn.CoreCoord(0, 0), ttnn.CoreCoord(3, 0)),
                                    ttnn.CoreRange(ttnn.CoreCoord(2, 0), ttnn.CoreCoord(5, 0))]),
         r"ttnn.CoreRangeSet: ranges .* overlap"),
        (lambda: ttnn.CoreRange(ttnn.CoreCoord(3, 3), ttnn.CoreCoord(0, 0)), r"ttnn.CoreRange: end .* before start"),
    ],
    ids=["no-shard-spec", "interleaved-with-spec", "system-memory", "zero-shard", "rank3-shard", "overlap",
         "reversed-range"],
)
def test_memory_config_construction_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_l1_budget_is_enforced():
    dev = ttnn.open_device(device_id=0, l1_size_per_core=8 * 1024)
    try:
        mc = height_sharded([64, 96])  # 6 bfloat16 tiles = 12 KiB per core
        with pytest.raises(MemoryError, match=r"needs a shard of 12.00 KiB of L1 on core \(x=0,y=0\)"):
            ttnn.from_torch(torch.randn(8, 64, 96), dtype=ttnn.bfloat16, layout=TILE, device=dev, memory_config=mc)
        t = ttnn.from_torch(torch.randn(8, 64, 96), dtype=ttnn.bfloat4_b, layout=TILE, device=dev, memory_config=mc)
        assert dev.memory_stats()["l1_in_use_max_core"] == 6 * 576
        assert t.is_allocated()
    finally:
        ttnn.close_device(dev)


# ------------------------------------------------------------------------------------------------
# meshes
# ------------------------------------------------------------------------------------------------
def test_mesh_device_basics(mesh_device):
    assert mesh_device.get_num_devices() == 2
    assert mesh_device.shape == ttnn.MeshShape(1, 2)
    assert (mesh_device.shape.rows, mesh_device.shape.cols) == (1, 2)
    assert mesh_device.get_device_ids() == [0, 1]
    assert [d.id() for d in mesh_device.get_devices()] == [0, 1]
    assert mesh_device.is_open()
    assert ttnn.get_num_devices() >= 2
    with pytest.raises(RuntimeError, match="already open"):
        ttnn.open_device(device_id=1)


def test_mesh_close_closes_its_devices():
    mesh = ttnn.open_mesh_device(ttnn.MeshShape(1, 2))
    devices = mesh.get_devices()
    t = ttnn.from_torch(torch.randn(4, 4), device=mesh)
    ttnn.close_mesh_device(mesh)
    assert not mesh.is_open() and not any(d.is_open() for d in devices)
    with pytest.raises(RuntimeError, match="closed"):
        ttnn.to_torch(t, mesh_composer=ttnn.ConcatMeshToTensor(mesh, dim=0))
    again = ttnn.open_mesh_device(ttnn.MeshShape(2, 2))
    try:
        assert again.get_num_devices() == 4
    finally:
        ttnn.close_mesh_device(again)


@pytest.mark.parametrize("dim", [0, 1, 2, 3, -1], ids=lambda d: f"dim{d}")
@pytest.mark.parametrize("dtype", [ttnn.float32, ttnn.bfloat16, ttnn.int32], ids=lambda v: str(v).split(".")[-1])
@pytest.mark.parametrize("layout", [RM, TILE], ids=lambda v: str(v).split(".")[-1])
def test_shard_and_concat_restore_the_tensor(mesh_device, dim, dtype, layout):
    shape = (4, 6, 40, 70)
    if dtype == ttnn.int32:
        x = torch.randint(-(2**31), 2**31 - 1, shape, dtype=torch.int32)
        want = x
    else:
        x = torch.randn(shape)
        want = x if dtype == ttnn.float32 else x.to(torch.bfloat16)
    t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=mesh_device,
                        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=dim))
    part = list(shape)
    part[dim] //= 2
    assert t.shape == part
    assert t.storage_type() == ttnn.StorageType.DEVICE
    shards = ttnn.get_device_tensors(t)
    assert len(shards) == 2
    for i, s in enumerate(shards):
        assert s.shape == part and s.dtype == dtype and s.layout == layout
        assert s.device().id() == i
        assert torch.equal(ttnn.to_torch(s), torch.chunk(want, 2, dim=dim)[i])
    back = ttnn.to_torch(t, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=dim))
    assert back.dtype == want.dtype and torch.equal(back, want)


def test_shard_block_float_over_mesh(mesh_device):
    import reference_conversions as ref

    x = torch.randn(2, 64, 96)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=TILE, device=mesh_device,
                        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=-1))
    assert t.shape == [2, 64, 48]
    back = ttnn.to_torch(t, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=-1))
    # each device packs its own half: the face rows are those of the halves
    want = np.concatenate([ref.bfp_round_trip(h.numpy(), 7) for h in torch.chunk(x, 2, dim=-1)], axis=-1)
    assert np.array_equal(back.numpy().view(np.uint32), want.view(np.uint32))


def test_device_memory_of_a_sharded_tensor(mesh_device):
    t = ttnn.from_torch(torch.randn(64, 128), dtype=ttnn.bfloat8_b, layout=TILE, device=mesh_device,
                        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=1))
    assert [d.memory_stats()["dram_in_use"] for d in mesh_device.get_devices()] == [4 * 1088, 4 * 1088]
    ttnn.deallocate(t)
    assert [d.memory_stats()["dram_in_use"] for d in mesh_device.get_devices()] == [0, 0]


def test_replicate_to_mesh(mesh_device):
    x = torch.randn(3, 40, 50)
    for mapper in (ttnn.ReplicateTensorToMesh(mesh_device), None):
        t = ttnn.from_torch(x, dtype=ttnn.float32, layout=TILE, device=mesh_device, mesh_mapper=mapper)
        assert t.shape == [3, 40, 50]
        shards = ttnn.get_device_tensors(t)
        assert [s.device().id() for s in shards] == [0, 1]
        for s in shards:
            assert s.shape == [3, 40, 50] and torch.equal(ttnn.to_torch(s), x)
        both = ttnn.to_torch(t, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0))
        assert torch.equal(both, torch.cat([x, x], dim=0))


def test_host_side_sharding_then_to_device(mesh_device):
    x = torch.randn(4, 6)
    h = ttnn.from_torch(x, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=1))
    assert h.storage_type() == ttnn.StorageType.MULTI_DEVICE_HOST
    assert [s.shape for s in ttnn.get_device_tensors(h)] == [[4, 3], [4, 3]]
    d = ttnn.to_device(h, mesh_device)
    assert d.storage_type() == ttnn.StorageType.DEVICE
    assert torch.equal(ttnn.to_torch(d, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=1)), x)
    assert torch.equal(ttnn.to_torch(h, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=1)), x)


def test_to_torch_of_a_multi_device_tensor_needs_a_composer(mesh_device):
    x = torch.randn(4, 6)
    for t in (ttnn.from_torch(x, device=mesh_device, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0)),
              ttnn.from_torch(x, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0)),
              ttnn.from_torch(x, device=mesh_device)):
        with pytest.raises(ValueError, match=r"ttnn.to_torch: the tensor is spread over 2 devices; pass mesh_composer"):
            ttnn.to_torch(t)


def test_shard_dim_that_does_not_divide(mesh_device):
    with pytest.raises(ValueError, match=r"ShardTensorToMesh\(dim=1\): size 5 of dim 1 of shape \[4, 5\] does not "
                                         r"divide into 2 devices"):
        ttnn.from_torch(torch.randn(4, 5), device=mesh_device, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=1))
    with pytest.raises(ValueError, match=r"size 3"):
        ttnn.from_torch(torch.randn(3, 4), mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0))
    with pytest.raises(ValueError, match=r"dim=2 is out of range for a tensor of rank 2"):
        ttnn.from_torch(torch.randn(4, 4), device=mesh_device, mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=2))
    assert [d.memory_stats()["dram_in_use"] for d in mesh_device.get_devices()] == [0, 0]


def test_mesh_out_of_memory():
    mesh = ttnn.open_mesh_device(ttnn.MeshShape(1, 2), dram_size=16 * 1024)
    try:
        with pytest.raises(MemoryError, match=r"needs 32.00 KiB of DRAM"):
            ttnn.from_torch(torch.randn(64, 128), dtype=ttnn.float32, device=mesh)
        assert [d.memory_stats()["dram_in_use"] for d in mesh.get_devices()] == [0, 0]
        t = ttnn.from_torch(torch.randn(64, 128), dtype=ttnn.float32, device=mesh,
                            mesh_mapper=ttnn.ShardTensorToMesh(mesh, dim=1))  # 16 KiB per device fits
        assert t.is_allocated()
    finally:
        ttnn.close_mesh_device(mesh)


def test_typecast_and_to_layout_into_l1(device):
    x = torch.randn(64, 96)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE, device=device)
    u = ttnn.typecast(t, ttnn.float32, memory_config=ttnn.L1_MEMORY_CONFIG)
    assert u.memory_config() == ttnn.L1_MEMORY_CONFIG and u.dtype == ttnn.float32
    stats = device.memory_stats()
    assert stats["dram_in_use"] == 6 * 2048 and stats["l1_in_use_max_core"] == 4096  # 6 fp32 tiles, 1 per core
    assert torch.equal(ttnn.to_torch(u), x.to(torch.bfloat16).float())
    v = ttnn.to_layout(t, RM, memory_config=ttnn.L1_MEMORY_CONFIG)
    assert v.memory_config() == ttnn.L1_MEMORY_CONFIG and v.layout == RM
    # 64 rows of 96 bfloat16 = 192-byte pages, one per core
    assert device.memory_stats()["l1_in_use_max_core"] == 4096 + 192
    assert torch.equal(ttnn.to_torch(v), x.to(torch.bfloat16))


def test_tensor_methods_and_repr(device):
    x = torch.randn(4, 40)
    h = ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=TILE)
    d = h.to(device)
    assert d.storage_type() == ttnn.StorageType.DEVICE and d.device().id() == 0
    assert d.cpu().storage_type() == ttnn.StorageType.HOST
    assert torch.equal(d.to_torch(), ttnn.to_torch(h))
    for t in (h, d):
        text = repr(t)
        assert "BFLOAT8_B" in text and "TILE" in text and "[4, 40]" in text
    ttnn.deallocate(d)
    assert "deallocated" in repr(d)


def test_typecast_of_a_mesh_tensor(mesh_device):
    import reference_conversions as ref

    x = torch.randn(2, 64, 96)
    t = ttnn.from_torch(x, dtype=ttnn.float32, layout=TILE, device=mesh_device,
                        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0))
    u = ttnn.typecast(t, ttnn.bfloat4_b)
    assert u.num_shards() == 2 and u.storage_type() == ttnn.StorageType.DEVICE
    back = ttnn.to_torch(u, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0))
    want = ref.bfp_round_trip(x.numpy(), 3)
    assert np.array_equal(back.numpy().view(np.uint32), want.view(np.uint32))
    host = ttnn.from_device(u)
    assert host.storage_type() == ttnn.StorageType.MULTI_DEVICE_HOST
    assert torch.equal(ttnn.to_torch(host, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0)), back)


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_shard_concat_property(mesh_device, data):
    rank = data.draw(st.integers(1, 4), label="rank")
    shape = [data.draw(st.integers(1, 40), label="d") for _ in range(rank)]
    dim = data.draw(st.integers(-rank, rank - 1), label="dim")
    shape[dim] = 2 * data.draw(st.integers(1, 20), label="half")
    dtype = data.draw(st.sampled_from([ttnn.float32, ttnn.bfloat16, ttnn.int32, ttnn.uint8]), label="dtype")
    layout = data.draw(st.sampled_from([RM, TILE]), label="layout")
    on_device = data.draw(st.booleans(), label="on_device")
    if dtype in (ttnn.int32, ttnn.uint8):
        x = torch.randint(0, 255, shape, dtype=torch.int32)
    else:
        x = torch.randn(shape)
    t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=mesh_device if on_device else None,
                        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=dim))
    single = ttnn.to_torch(ttnn.from_torch(x, dtype=dtype, layout=layout))  # what one device holds
    back = ttnn.to_torch(t, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=dim))
    assert back.dtype == single.dtype and torch.equal(back, single)
    for i, s in enumerate(ttnn.get_device_tensors(t)):
        assert torch.equal(ttnn.to_torch(s), torch.chunk(single, 2, dim=dim)[i])
