"""Creation ops (zeros ... empty_like) against torch: values, dtype, layout, shape and placement
(host without a device, a device, every device of a mesh; *_like follows its input)."""

import pytest
import torch

import ttnn

RM = ttnn.ROW_MAJOR_LAYOUT
TILE = ttnn.TILE_LAYOUT
COMBOS = [
    (d, lay)
    for d in (ttnn.bfloat16, ttnn.float32, ttnn.bfloat8_b, ttnn.int32, ttnn.uint32, ttnn.uint16, ttnn.uint8)
    for lay in (RM, TILE)
    if not (d == ttnn.bfloat8_b and lay == RM)
]
SHAPES = [(5,), (33, 65), (2, 3, 40)]


def _name(v):
    return str(v).split(".")[-1]


def combo_id(c):
    return f"{_name(c[0])}-{_name(c[1])}"


def check(t, expected, dtype, layout, on_device):
    assert t.dtype == dtype
    assert t.layout == layout
    assert tuple(t.shape) == tuple(expected.shape)
    assert t.storage_type() == (ttnn.StorageType.DEVICE if on_device else ttnn.StorageType.HOST)
    got = ttnn.to_torch(t)
    assert torch.equal(got.double(), expected.double()), (got, expected)


@pytest.fixture(params=["host", "device"])
def where(request, device):
    return None if request.param == "host" else device


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_fill_ops(where, combo, shape):
    dtype, layout = combo
    on = where is not None
    check(ttnn.zeros(shape, dtype=dtype, layout=layout, device=where), torch.zeros(shape), dtype, layout, on)
    check(ttnn.ones(shape, dtype=dtype, layout=layout, device=where), torch.ones(shape), dtype, layout, on)
    check(ttnn.full(shape, 3, dtype=dtype, layout=layout, device=where), torch.full(shape, 3.0), dtype, layout, on)
    e = ttnn.empty(shape, dtype=dtype, layout=layout, device=where)
    assert (e.dtype, e.layout, tuple(e.shape)) == (dtype, layout, shape)


def test_defaults(device):
    t = ttnn.zeros([2, 3])
    assert (t.dtype, t.layout, t.storage_type()) == (ttnn.bfloat16, RM, ttnn.StorageType.HOST)
    t = ttnn.ones(ttnn.Shape([4, 5]), device=device, memory_config=ttnn.L1_MEMORY_CONFIG)
    assert t.storage_type() == ttnn.StorageType.DEVICE
    assert t.memory_config() == ttnn.L1_MEMORY_CONFIG
    assert ttnn.to_torch(t).shape == (4, 5)
    t = ttnn.full((2, 2), 0.1)
    assert ttnn.to_torch(t).dtype == torch.bfloat16
    assert torch.equal(ttnn.to_torch(t), torch.full((2, 2), 0.1, dtype=torch.bfloat16))
    t = ttnn.full((3,), 0.1, dtype=ttnn.float32, device=device)
    assert torch.equal(ttnn.to_torch(t), torch.full((3,), 0.1))


def test_full_int_exact(device):
    v = 2**30 + 3
    t = ttnn.full((3, 40), v, dtype=ttnn.int32, layout=TILE, device=device)
    assert torch.equal(ttnn.to_torch(t), torch.full((3, 40), v, dtype=torch.int32))
    t = ttnn.full((4,), 2**32 - 1, dtype=ttnn.uint32)
    assert ttnn.to_torch(t).tolist() == [2**32 - 1] * 4
    t = ttnn.full((4,), -7.0, dtype=ttnn.int32)
    assert ttnn.to_torch(t).tolist() == [-7] * 4


ARANGE_CASES = [
    ((10,), {}),
    ((2, 10), {}),
    ((2, 11, 3), {}),
    ((10, 0, -2), {}),
    ((0, 1, 0.25), {}),
    ((-1.5, 2.0, 0.5), {}),
    ((5, 5), {}),
    ((0, 100), {"dtype": ttnn.float32}),
    ((2**25, 2**25 + 40), {"dtype": ttnn.int32}),
    ((0, 70), {"dtype": ttnn.uint32, "layout": TILE}),
    ((0, 64, 2), {"dtype": ttnn.bfloat8_b, "layout": TILE}),
]


@pytest.mark.parametrize("case", ARANGE_CASES, ids=[str(c[0]) for c in ARANGE_CASES])
def test_arange(where, case):
    args, kwargs = case
    t = ttnn.arange(*args, device=where, **kwargs)
    dtype = kwargs.get("dtype", ttnn.bfloat16)
    layout = kwargs.get("layout", RM)
    ref = torch.arange(*args, dtype=torch.float64)
    if dtype == ttnn.bfloat16:
        ref = ref.to(torch.bfloat16)
    check(t, ref, dtype, layout, where is not None)


def test_arange_keywords(device):
    t = ttnn.arange(start=3, end=9, step=2, dtype=ttnn.int32, device=device, layout=TILE)
    assert ttnn.to_torch(t).tolist() == [3, 5, 7]
    t = ttnn.arange(0, 6, 1, ttnn.float32, device)
    assert ttnn.to_torch(t).tolist() == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("src_on_device", [False, True], ids=["host", "device"])
def test_like(device, src_on_device):
    x = torch.randn(3, 33, 40)
    src = ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=TILE, device=device if src_on_device else None)
    for op, value in ((ttnn.zeros_like, 0.0), (ttnn.ones_like, 1.0)):
        check(op(src), torch.full(x.shape, value), ttnn.bfloat8_b, TILE, src_on_device)
    check(ttnn.full_like(src, -2.5), torch.full(x.shape, -2.5), ttnn.bfloat8_b, TILE, src_on_device)
    e = ttnn.empty_like(src)
    assert (e.dtype, e.layout, tuple(e.shape)) == (ttnn.bfloat8_b, TILE, (3, 33, 40))
    assert e.storage_type() == src.storage_type()
    t = ttnn.ones_like(src, dtype=ttnn.int32, layout=RM)
    check(t, torch.ones(x.shape), ttnn.int32, RM, src_on_device)
    # An explicit device moves the result there.
    t = ttnn.full_like(src, 4, dtype=ttnn.float32, device=device)
    check(t, torch.full(x.shape, 4.0), ttnn.float32, TILE, True)


def test_like_keeps_memory_config(device):
    src = ttnn.from_torch(torch.randn(4, 64), layout=TILE, device=device, memory_config=ttnn.L1_MEMORY_CONFIG)
    assert ttnn.zeros_like(src).memory_config() == ttnn.L1_MEMORY_CONFIG
    t = ttnn.zeros_like(src, memory_config=ttnn.DRAM_MEMORY_CONFIG)
    assert t.memory_config() == ttnn.DRAM_MEMORY_CONFIG


def test_mesh(mesh_device):
    t = ttnn.full((2, 40), 1.5, dtype=ttnn.float32, layout=TILE, device=mesh_device)
    assert t.num_shards() == 2
    for shard in ttnn.get_device_tensors(t):
        assert torch.equal(ttnn.to_torch(shard), torch.full((2, 40), 1.5))
    x = torch.randn(4, 40)
    src = ttnn.from_torch(x, dtype=ttnn.float32, device=mesh_device,
                          mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0))
    like = ttnn.ones_like(src)
    assert like.num_shards() == 2
    got = ttnn.to_torch(like, mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim=0))
    assert torch.equal(got, torch.ones(4, 40))
    a = ttnn.arange(0, 8, dtype=ttnn.int32, device=mesh_device)
    assert a.num_shards() == 2


def test_errors(device):
    with pytest.raises(ValueError, match=r"ttnn\.zeros: .*BFLOAT8_B.*TILE"):
        ttnn.zeros((32, 32), dtype=ttnn.bfloat8_b, layout=RM)
    with pytest.raises(ValueError, match=r"ttnn\.arange: step=0"):
        ttnn.arange(0, 10, 0)
    with pytest.raises(ValueError, match=r"ttnn\.full: value 300 .*UINT8"):
        ttnn.full((2,), 300, dtype=ttnn.uint8)
    with pytest.raises(ValueError, match=r"ttnn\.ones: dim 0 = -2"):
        ttnn.ones((-2, 3))
    with pytest.raises(TypeError, match=r"ttnn\.zeros: shape must be"):
        ttnn.zeros("abc")
    src = ttnn.from_torch(torch.randn(3, 4), device=device)
    ttnn.deallocate(src)
    with pytest.raises(RuntimeError, match=r"ttnn\.zeros_like"):
        ttnn.zeros_like(src)
