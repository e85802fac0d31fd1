"""Movement ops against torch: exact equality for every dtype x layout x rank 1-5.

Data movement is exact, so the reference is the torch op on the same (rounded) input. Block floats
(bfloat8_b) are re-packed after a move that changes which values share an exponent, as on TT-NN:
their reference is the torch result rounded again through from_torch/to_torch.
"""

import random

import pytest
import torch

import ttnn

RM = ttnn.ROW_MAJOR_LAYOUT
TILE = ttnn.TILE_LAYOUT

COMBOS = [
    (ttnn.bfloat16, RM),
    (ttnn.bfloat16, TILE),
    (ttnn.float32, RM),
    (ttnn.float32, TILE),
    (ttnn.int32, RM),
    (ttnn.int32, TILE),
    (ttnn.uint32, RM),
    (ttnn.uint32, TILE),
    (ttnn.uint8, RM),
    (ttnn.bfloat8_b, TILE),
]

# Non-multiples of 32 that cross tile edges; rank r uses SHAPES[r].
SHAPES = {
    1: [37],
    2: [5, 40],
    3: [3, 33, 20],
    4: [2, 3, 9, 35],
    5: [2, 1, 3, 5, 34],
}
RANKS = sorted(SHAPES)


def _name(v):
    return str(v).split(".")[-1]


def combo_id(c):
    return f"{_name(c[0])}-{_name(c[1])}"


def make(shape, dtype, seed=0):
    """Random data that dtype holds: int32 over its whole range (beyond 2^24), uint32 up to 2^32."""
    g = torch.Generator().manual_seed(seed)
    if dtype == ttnn.int32:
        return torch.randint(-(2**31), 2**31, shape, generator=g, dtype=torch.int64).to(torch.int32)
    if dtype == ttnn.uint32:
        return torch.randint(0, 2**32, shape, generator=g, dtype=torch.int64)
    if dtype == ttnn.uint8:
        return torch.randint(0, 256, shape, generator=g, dtype=torch.int64).to(torch.uint8)
    return torch.randn(shape, generator=g) * 4


def rounded(x, dtype, layout=TILE):
    """x as dtype holds it (host round trip)."""
    return ttnn.to_torch(ttnn.from_torch(x, dtype=dtype, layout=layout))


def put(x, dtype, layout, device):
    return ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)


def check(out, expected, dtype, layout):
    """Exact equality with the torch result (block floats re-packed, as TT-NN does)."""
    assert out.dtype == dtype and out.layout == layout
    got = ttnn.to_torch(out)
    want = rounded(expected, dtype, layout)
    assert tuple(got.shape) == tuple(expected.shape), (tuple(got.shape), tuple(expected.shape))
    assert got.dtype == want.dtype
    assert torch.equal(got, want), f"max diff {(got.double() - want.double()).abs().max()}"


def inputs(dtype, layout, device, rank, seed=0):
    x = rounded(make(SHAPES[rank], dtype, seed), dtype, layout)
    return x, put(x, dtype, layout, device)


combos = pytest.mark.parametrize("dtype,layout", COMBOS, ids=[combo_id(c) for c in COMBOS])


# ---- views and dim orders ----


@combos
def test_reshape(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for shape in [(-1,), tuple(reversed(x.shape)), (x.shape[0], -1), (1, *x.shape)]:
            check(ttnn.reshape(t, shape), x.reshape(shape), dtype, layout)
        check(ttnn.reshape(t, ttnn.Shape(list(x.shape))), x, dtype, layout)


def test_reshape_is_a_view_when_bytes_stay(device):
    x = make([4, 6, 10], ttnn.float32)
    t = put(x, ttnn.float32, RM, device)
    v = ttnn.reshape(t, (24, 10))
    assert torch.equal(ttnn.to_torch(v), x.reshape(24, 10))
    ttnn.deallocate(v)  # shares the storage, as TT-NN's view reshape does
    assert not t.is_allocated()
    t = put(make([2, 64, 32], ttnn.bfloat16), ttnn.bfloat16, TILE, device)
    v = ttnn.reshape(t, (128, 32))  # whole tile rows: the tiles stay in place
    ttnn.deallocate(v)
    assert not t.is_allocated()


@combos
def test_squeeze_unsqueeze(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for dim in range(-rank - 1, rank + 1):
            u = ttnn.unsqueeze(t, dim)
            check(u, x.unsqueeze(dim), dtype, layout)
            check(ttnn.squeeze(u, dim), x, dtype, layout)
        check(ttnn.squeeze(t), x.squeeze(), dtype, layout)
        check(ttnn.squeeze(t, 0), x.squeeze(0), dtype, layout)


@combos
def test_permute(device, dtype, layout):
    rng = random.Random(1)
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        perms = {tuple(range(rank))[::-1], tuple(range(rank))}
        for _ in range(3):
            perms.add(tuple(rng.sample(range(rank), rank)))
        for perm in perms:
            check(ttnn.permute(t, perm), x.permute(perm), dtype, layout)
        rotate = [rank - 1] + list(range(rank - 1))
        check(ttnn.permute(t, [-1] + rotate[1:]), x.permute(rotate), dtype, layout)


@combos
def test_transpose(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for a, b in [(0, -1), (-2, -1), (0, 0)] if rank > 1 else [(0, 0), (0, -1)]:
            check(ttnn.transpose(t, a, b), x.transpose(a, b), dtype, layout)


def test_transpose_large_exact(device):
    """The blocked kernel over many blocks, with ragged edges and int32 beyond 2^24."""
    cases = [(ttnn.int32, (3, 517, 300)), (ttnn.bfloat16, (1000, 77)), (ttnn.uint8, (130, 257))]
    for dtype, shape in cases:
        x = make(shape, dtype, seed=3)
        t = put(x, dtype, RM, device)
        check(ttnn.transpose(t, -2, -1), x.transpose(-2, -1), dtype, RM)
        reverse = list(range(len(shape)))[::-1]
        check(ttnn.permute(t, reverse), x.permute(reverse), dtype, RM)


# ---- ranges ----


@combos
def test_slice(device, dtype, layout):
    rng = random.Random(2)
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for _ in range(3):
            starts, ends, steps = [], [], []
            for n in x.shape:
                s = rng.randrange(0, n)
                starts.append(s)
                ends.append(rng.randrange(s + 1, n + 1))
                steps.append(rng.choice([1, 1, 2, 3]))
            want = x[tuple(slice(s, e, st) for s, e, st in zip(starts, ends, steps))]
            check(ttnn.slice(t, starts, ends, steps), want, dtype, layout)
            want = x[tuple(slice(s, e) for s, e in zip(starts, ends))]
            check(ttnn.slice(t, starts, ends), want, dtype, layout)
        # negative starts/ends count from the end, ends are clamped
        starts = [-1] * rank
        ends = [10**6] * rank
        want = x[tuple(slice(-1, None) for _ in range(rank))]
        check(ttnn.slice(t, starts, ends), want, dtype, layout)


@combos
def test_getitem(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        keys = [slice(1, 3), (..., slice(None, None, 2)), (0,), (None, ..., -1)]
        keys.append((slice(None), None))
        if rank >= 3:
            keys += [(slice(1, 3), slice(None), slice(None, None, 2)), (-1, ..., slice(2, None, 3))]
        for key in keys:
            check(t[key], x[key], dtype, layout)


@combos
def test_pad(device, dtype, layout):
    value = 3 if dtype in (ttnn.int32, ttnn.uint32, ttnn.uint8) else -1.5
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        padding = [(d % 2, (d * 7) % 5) for d in range(rank)]
        flat = [p for pair in reversed(padding) for p in pair]
        want = torch.nn.functional.pad(x.double(), flat, value=value).to(x.dtype)
        check(ttnn.pad(t, padding, value), want, dtype, layout)
        # fewer pairs pad the last dims; TT-NN's (output shape, input start) form
        want = torch.nn.functional.pad(x.double(), [2, 1], value=value).to(x.dtype)
        check(ttnn.pad(t, [(2, 1)], value), want, dtype, layout)
        out_shape = [n + 2 for n in x.shape]
        want = torch.nn.functional.pad(x.double(), [1, 1] * rank, value=value).to(x.dtype)
        check(ttnn.pad(t, out_shape, [1] * rank, value), want, dtype, layout)


@combos
def test_concat(device, dtype, layout):
    for rank in RANKS:
        for dim in range(-rank, rank):
            parts = []
            for i, extra in enumerate([0, 3, 1]):
                shape = list(SHAPES[rank])
                shape[dim] += extra
                parts.append(rounded(make(shape, dtype, seed=i), dtype, layout))
            tts = [put(p, dtype, layout, device) for p in parts]
            check(ttnn.concat(tts, dim=dim), torch.cat(parts, dim=dim), dtype, layout)


def test_concat_mixed_layouts(device):
    a = make([3, 40], ttnn.float32)
    b = make([2, 40], ttnn.float32, seed=1)
    out = ttnn.concat([put(a, ttnn.float32, TILE, device), put(b, ttnn.float32, RM, device)], 0)
    check(out, torch.cat([a, b]), ttnn.float32, TILE)


@combos
def test_split_chunk(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for dim in range(rank):
            n = x.shape[dim]
            for size in {1, 2, max(1, n // 2), n + 1}:
                outs = ttnn.split(t, size, dim=dim)
                wants = torch.split(x, size, dim=dim)
                assert len(outs) == len(wants)
                for o, w in zip(outs, wants):
                    check(o, w, dtype, layout)
            sizes = [n // 3, n - n // 3]
            for o, w in zip(ttnn.split(t, sizes, dim), torch.split(x, sizes, dim)):
                check(o, w, dtype, layout)
            for chunks in (1, 2, 3):
                outs = ttnn.chunk(t, chunks, dim)
                wants = torch.chunk(x, chunks, dim)
                assert len(outs) == len(wants)
                for o, w in zip(outs, wants):
                    check(o, w, dtype, layout)


# ---- repeats and broadcasts ----


@combos
def test_repeat(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        reps = [2 if d % 2 == 0 else 1 for d in range(rank)]
        check(ttnn.repeat(t, reps), x.repeat(*reps), dtype, layout)
        check(ttnn.repeat(t, [2] + [1] * rank), x.repeat(2, *([1] * rank)), dtype, layout)
        last = [1] * (rank - 1) + [3]
        check(ttnn.repeat(t, last), x.repeat(*last), dtype, layout)


@combos
def test_repeat_interleave(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for dim in range(-rank, rank):
            want = torch.repeat_interleave(x, 2, dim)
            check(ttnn.repeat_interleave(t, 2, dim), want, dtype, layout)
        counts = [i % 3 for i in range(x.shape[0])]
        check(
            ttnn.repeat_interleave(t, counts, 0),
            torch.repeat_interleave(x, torch.tensor(counts), 0),
            dtype,
            layout,
        )


@combos
def test_expand(device, dtype, layout):
    for rank in RANKS:
        shape = list(SHAPES[rank])
        shape[0] = 1
        if rank >= 2:
            shape[-2] = 1
        x = rounded(make(shape, dtype), dtype, layout)
        t = put(x, dtype, layout, device)
        target = list(shape)
        target[0] = 4
        if rank >= 2:
            target[-2] = 3
        check(ttnn.expand(t, target), x.expand(target), dtype, layout)
        keep = [-1] * rank
        keep[0] = 2
        check(ttnn.expand(t, [3] + keep), x.expand([3] + keep), dtype, layout)


@combos
def test_flip(device, dtype, layout):
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for dims in [[0], [-1], list(range(rank)), [d for d in range(rank) if d % 2 == 0]]:
            check(ttnn.flip(t, dims), torch.flip(x, dims), dtype, layout)


# ---- index ops ----


@combos
def test_gather(device, dtype, layout):
    g = torch.Generator().manual_seed(4)
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for dim in range(-rank, rank):
            shape = [max(1, n - 1) for n in x.shape]
            shape[dim] = 2 * x.shape[dim] + 1
            index = torch.randint(0, x.shape[dim], shape, generator=g)
            for index_dtype, index_layout in [(ttnn.uint32, RM), (ttnn.int32, TILE)]:
                ti = put(index, index_dtype, index_layout, device)
                check(ttnn.gather(t, dim, ti), torch.gather(x, dim, index), dtype, layout)


@combos
def test_index_select(device, dtype, layout):
    g = torch.Generator().manual_seed(5)
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for dim in range(rank):
            index = torch.randint(0, x.shape[dim], (x.shape[dim] + 2,), generator=g)
            ti = put(index, ttnn.uint32, RM, device)
            check(ttnn.index_select(t, dim, ti), torch.index_select(x, dim, index), dtype, layout)


def _scatter_case(x, dim, g):
    """An index with distinct targets along dim per position elsewhere (scatter's result is then
    defined) and the src it reads, no bigger than src and the input elsewhere."""
    shape = [max(1, n - 1) for n in x.shape]
    shape[dim] = max(1, x.shape[dim] - 1)
    order = torch.argsort(torch.rand(*[n if k == dim else s for k, (n, s) in enumerate(zip(x.shape, shape))],
                                     generator=g), dim=dim)
    index = order.narrow(dim, 0, shape[dim]).contiguous()
    src_shape = list(shape)
    src_shape[dim] += 1
    return index, src_shape


@combos
def test_scatter(device, dtype, layout):
    g = torch.Generator().manual_seed(8)
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        for dim in range(-rank, rank):
            index, src_shape = _scatter_case(x, dim, g)
            src = rounded(make(src_shape, dtype, seed=rank + 7), dtype, layout)
            ts = put(src, dtype, layout, device)
            ti = put(index, ttnn.int32, RM, device)
            check(ttnn.scatter(t, dim, ti, ts), torch.scatter(x, dim, index, src), dtype, layout)


@pytest.mark.parametrize("dtype,layout", [(ttnn.float32, RM), (ttnn.float32, TILE), (ttnn.bfloat16, RM),
                                          (ttnn.int32, RM), (ttnn.uint32, TILE)],
                         ids=["float32-RM", "float32-TILE", "bfloat16-RM", "int32-RM", "uint32-TILE"])
def test_scatter_add_sums_repeated_targets(device, dtype, layout):
    g = torch.Generator().manual_seed(9)
    small = dtype in (ttnn.int32, ttnn.uint32)  # sums that fit the integer dtype
    for rank in RANKS:
        x, t = inputs(dtype, layout, device, rank)
        if small:
            x = x % 1000
            t = put(x, dtype, layout, device)
        for dim in range(rank):
            shape = [max(1, n - 1) for n in x.shape]
            shape[dim] = 3 * x.shape[dim]  # every target hit about three times
            index = torch.randint(0, x.shape[dim], shape, generator=g)
            src = rounded(make(shape, dtype, seed=dim + 3), dtype, layout)
            if small:
                src = src % 1000
            got = ttnn.to_torch(ttnn.scatter_add(t, dim, put(index, ttnn.int32, RM, device),
                                                 put(src, dtype, layout, device)))
            want = torch.scatter_add(x.double(), dim, index, src.double())
            if dtype in (ttnn.int32, ttnn.uint32):
                assert torch.equal(got.long(), want.long())
            else:  # one rounding of the float32 sum (to bf16 for bfloat16)
                tol = 1e-5 if dtype == ttnn.float32 else 8e-3
                torch.testing.assert_close(got.double(), want, rtol=tol, atol=tol * want.abs().max().item())
    via_scatter = ttnn.scatter(t, dim, put(index, ttnn.int32, RM, device), put(src, dtype, layout, device), reduce="sum")
    assert torch.equal(ttnn.to_torch(via_scatter), got)


def test_scatter_errors_name_the_op_and_value(device):
    x = put(torch.zeros(4, 5), ttnn.float32, RM, device)
    src = put(torch.ones(2, 5), ttnn.float32, RM, device)
    with pytest.raises(ValueError, match=r"ttnn.scatter: index 9 at flat position 0 is out of range \[0, 4\)"):
        ttnn.scatter(x, 0, put(torch.tensor([[9, 0]]), ttnn.int32, RM, device), src)
    with pytest.raises(ValueError, match=r"ttnn.scatter_add: index shape \[3, 5\] exceeds src"):
        ttnn.scatter_add(x, 0, put(torch.zeros(3, 5, dtype=torch.long), ttnn.int32, RM, device), src)
    with pytest.raises(ValueError, match="reduce='multiply' is not supported"):
        ttnn.scatter(x, 0, put(torch.zeros(1, 5, dtype=torch.long), ttnn.int32, RM, device), src, reduce="multiply")
    with pytest.raises(ValueError, match="one rank"):
        ttnn.scatter(x, 0, put(torch.zeros(5, dtype=torch.long), ttnn.int32, RM, device), src)


@pytest.mark.parametrize(
    "dtype,layout",
    [(ttnn.bfloat16, RM), (ttnn.bfloat16, TILE), (ttnn.float32, RM), (ttnn.bfloat8_b, TILE)],
    ids=["bfloat16-RM", "bfloat16-TILE", "float32-RM", "bfloat8_b-TILE"],
)
def test_embedding(device, dtype, layout):
    weight = rounded(make([50, 72], ttnn.float32), dtype, TILE if dtype == ttnn.bfloat8_b else RM)
    tw = put(weight, dtype, TILE if dtype == ttnn.bfloat8_b else RM, device)
    g = torch.Generator().manual_seed(6)
    for ids_shape in [(7,), (2, 9), (2, 3, 5)]:
        ids = torch.randint(0, 50, ids_shape, generator=g)
        ti = put(ids, ttnn.uint32, RM, device)
        out_dtype = ttnn.bfloat16 if dtype == ttnn.bfloat8_b and layout == RM else dtype
        out = ttnn.embedding(ti, tw, layout=layout)
        check(out, torch.nn.functional.embedding(ids, weight), out_dtype, layout)
        # pad_token ids give zero rows (TT-NN's padded embeddings)
        pad = int(ids.flatten()[0])
        want = torch.nn.functional.embedding(ids, weight).clone()
        want[ids == pad] = 0
        check(ttnn.embedding(ti, tw, pad_token=pad, layout=layout), want, out_dtype, layout)
    out = ttnn.embedding(ti, tw, layout=TILE, dtype=ttnn.float32)
    check(out, torch.nn.functional.embedding(ids, weight), ttnn.float32, TILE)


# ---- layouts ----


@pytest.mark.parametrize("dtype", [ttnn.bfloat16, ttnn.float32, ttnn.int32, ttnn.uint32], ids=_name)
def test_tilize_untilize(device, dtype):
    for shape in [(64,), (32, 96), (2, 64, 32), (2, 1, 32, 64), (1, 2, 1, 32, 32)]:
        x = make(shape, dtype)
        t = put(x, dtype, RM, device)
        tiled = ttnn.tilize(t)
        check(tiled, x, dtype, TILE)
        check(ttnn.untilize(tiled), x, dtype, RM)
    x = rounded(make((64, 64), ttnn.float32), ttnn.bfloat16, RM)
    tiled = ttnn.tilize(put(x, ttnn.bfloat16, RM, device), dtype=ttnn.bfloat8_b)
    check(tiled, x, ttnn.bfloat8_b, TILE)
    check(ttnn.untilize(tiled), rounded(x, ttnn.bfloat8_b), ttnn.bfloat16, RM)  # exact in bfloat16


@pytest.mark.parametrize("dtype", [ttnn.bfloat16, ttnn.float32, ttnn.int32, ttnn.uint32], ids=_name)
def test_tilize_with_val_padding_and_unpadding(device, dtype):
    pad_value = 7
    for shape in [(37,), (5, 40), (3, 33, 20), (2, 3, 9, 35)]:
        x = make(shape, dtype)
        t = put(x, dtype, RM, device)
        padded = [((n + 31) // 32) * 32 for n in shape]
        if len(shape) >= 2:
            padded = list(shape[:-2]) + padded[-2:]
        tiled = ttnn.tilize_with_val_padding(t, padded, pad_value)
        check(tiled, x, dtype, TILE)
        # the padding holds pad_value: read it back through untilize_with_unpadding
        end = [n - 1 for n in tiled.padded_shape]
        full = ttnn.to_torch(ttnn.untilize_with_unpadding(tiled, end))
        want = torch.full(list(tiled.padded_shape), pad_value, dtype=full.dtype)
        want[tuple(slice(0, n) for n in shape)] = x.to(full.dtype)
        assert torch.equal(full, want)
        end = [max(0, n - 2) for n in shape]
        out = ttnn.untilize_with_unpadding(tiled, end)
        check(out, x[tuple(slice(0, e + 1) for e in end)], dtype, RM)


def test_untilize_with_unpadding_block_float(device):
    x = make((2, 40, 50), ttnn.float32)
    t = put(x, ttnn.bfloat8_b, TILE, device)
    out = ttnn.untilize_with_unpadding(t, [1, 30, 44])
    check(out, rounded(x, ttnn.bfloat8_b)[:, :31, :45], ttnn.bfloat16, RM)


# ---- memory configs, meshes ----


def test_memory_config_and_views(device):
    x = make([4, 40], ttnn.bfloat16)
    t = put(x, ttnn.bfloat16, TILE, device)
    out = ttnn.concat([t, t], dim=0, memory_config=ttnn.L1_MEMORY_CONFIG)
    assert out.memory_config() == ttnn.L1_MEMORY_CONFIG
    check(out, torch.cat([rounded(x, ttnn.bfloat16)] * 2), ttnn.bfloat16, TILE)
    out = ttnn.slice(t, [1, 0], [3, 40], memory_config=ttnn.L1_MEMORY_CONFIG)
    assert out.memory_config() == ttnn.L1_MEMORY_CONFIG


def test_sharded_input(device):
    grid = ttnn.CoreRangeSet(ttnn.CoreRange(ttnn.CoreCoord(0, 0), ttnn.CoreCoord(0, 3)))
    sharded = ttnn.MemoryConfig(
        ttnn.TensorMemoryLayout.HEIGHT_SHARDED, ttnn.BufferType.L1, ttnn.ShardSpec(grid, [32, 64])
    )
    x = make([4, 32, 64], ttnn.bfloat16)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE, device=device, memory_config=sharded)
    out = ttnn.flip(t, [0])  # same shape: keeps the shard spec
    assert out.memory_config() == sharded
    check(out, torch.flip(rounded(x, ttnn.bfloat16), [0]), ttnn.bfloat16, TILE)
    out = ttnn.concat([t, t], 0)  # 8 shards for 4 cores: the spec no longer fits, interleaved L1
    assert not out.memory_config().is_sharded()
    assert out.memory_config().buffer_type == ttnn.BufferType.L1
    check(out, torch.cat([rounded(x, ttnn.bfloat16)] * 2), ttnn.bfloat16, TILE)
    with pytest.raises(ValueError, match="ttnn.concat"):
        ttnn.concat([t, t], 0, memory_config=sharded)


def test_mesh(mesh_device):
    x = make([2, 6, 40], ttnn.float32)
    t = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=TILE, device=mesh_device,
                        mesh_mapper=ttnn.ShardTensorToMesh(mesh_device, dim=0))
    xr = rounded(x, ttnn.bfloat16)
    composer = ttnn.ConcatMeshToTensor(mesh_device, dim=0)

    def back(out):
        return ttnn.to_torch(out, mesh_composer=composer)

    assert torch.equal(back(ttnn.transpose(t, -2, -1)), xr.transpose(-2, -1))
    out = ttnn.slice(t, [0, 1, 0], [1, 5, 40], [1, 2, 1])  # per device: each holds [1, 6, 40]
    assert torch.equal(back(out), xr.reshape(2, 1, 6, 40)[:, 0, 1:5:2])
    assert torch.equal(back(ttnn.reshape(t, (1, 6, 2, 20))), xr.reshape(2, 6, 2, 20))
    assert torch.equal(back(ttnn.concat([t, t], dim=1)), torch.cat([xr, xr], dim=1))
    parts = ttnn.split(t, 2, dim=1)
    assert len(parts) == 3 and torch.equal(back(parts[1]), xr[:, 2:4])
    ids = ttnn.from_torch(torch.tensor([[3, 0, 5]]), dtype=ttnn.uint32, device=mesh_device,
                          mesh_mapper=ttnn.ReplicateTensorToMesh(mesh_device))
    weight = ttnn.from_torch(x[0], dtype=ttnn.bfloat16, device=mesh_device,
                             mesh_mapper=ttnn.ReplicateTensorToMesh(mesh_device))
    out = ttnn.embedding(ids, weight)
    assert torch.equal(back(out), torch.cat([xr[0][[3, 0, 5]][None]] * 2))


# ---- errors ----


def test_errors(device):
    x = make([2, 3, 4], ttnn.float32)
    t = put(x, ttnn.float32, RM, device)
    cases = [
        (lambda: ttnn.reshape(t, (5, 5)), "ttnn.reshape.*volume 25"),
        (lambda: ttnn.reshape(t, (-1, -1)), "ttnn.reshape"),
        (lambda: ttnn.permute(t, (0, 0, 1)), "ttnn.permute.*permutation"),
        (lambda: ttnn.permute(t, (0, 1)), "ttnn.permute.*rank 3"),
        (lambda: ttnn.transpose(t, 0, 3), "ttnn.transpose: dim=3"),
        (lambda: ttnn.concat([t, put(make([2, 4, 4], ttnn.float32), ttnn.float32, RM, device)], 0),
         "ttnn.concat.*tensors\\[1\\] has shape \\[2, 4, 4\\]"),
        (lambda: ttnn.concat([t, put(x, ttnn.bfloat16, RM, device)], 0), "ttnn.concat.*dtype"),
        (lambda: ttnn.concat([], 0), "ttnn.concat"),
        (lambda: ttnn.split(t, [1, 1], 1), "ttnn.split.*add up to 2.*size 3"),
        (lambda: ttnn.split(t, 0, 1), "ttnn.split.*split_size=0"),
        (lambda: ttnn.chunk(t, 0, 1), "ttnn.chunk.*chunks=0"),
        (lambda: ttnn.slice(t, [0, 0], [1, 1]), "ttnn.slice"),
        (lambda: ttnn.slice(t, [0, 0, 0], [1, 1, 1], [1, 0, 1]), "ttnn.slice.*slice_step\\[1\\]=0"),
        (lambda: ttnn.pad(t, [(0, 1)] * 4, 0.0), "ttnn.pad"),
        (lambda: ttnn.pad(t, [(-1, 0)], 0.0), "ttnn.pad.*negative"),
        (lambda: ttnn.repeat(t, [2, 2]), "ttnn.repeat"),
        (lambda: ttnn.expand(t, [2, 5, 4]), "ttnn.expand.*size 5.*size 3"),
        (lambda: ttnn.flip(t, [0, 0]), "ttnn.flip.*twice"),
        (lambda: ttnn.flip(t, [3]), "ttnn.flip: dim=3"),
        (lambda: ttnn.repeat_interleave(t, [1, 2], 1), "ttnn.repeat_interleave.*3"),
        (lambda: ttnn.unsqueeze(t, 4), "ttnn.unsqueeze: dim=4"),
        (lambda: ttnn.tilize(put(x, ttnn.float32, RM, device)), "ttnn.tilize.*multiples of 32"),
        (lambda: ttnn.tilize(put(x, ttnn.float32, TILE, device)), "ttnn.tilize.*layout TILE"),
        (lambda: ttnn.untilize(t), "ttnn.untilize.*layout ROW_MAJOR"),
        (lambda: ttnn.untilize_with_unpadding(put(x, ttnn.float32, TILE, device), [1, 2, 32]),
         "ttnn.untilize_with_unpadding.*inclusive"),
        (
            lambda: ttnn.tilize_with_val_padding(t, [2, 3, 32], 0.0),
            "ttnn.tilize_with_val_padding.*multiples of 32",
        ),
        (lambda: ttnn.tilize_with_val_padding(t, [1, 32, 32], 0.0), "ttnn.tilize_with_val_padding"),
        (lambda: ttnn.permute(ttnn.from_torch(x), (0, 1, 2)), "ttnn.permute.*host"),
    ]
    for fn, pattern in cases:
        with pytest.raises(ValueError, match=pattern):
            fn()

    idx = put(torch.tensor([[[0, 5]]]), ttnn.uint32, RM, device)
    with pytest.raises(ValueError, match="ttnn.gather: index 5 .* out of range \\[0, 4\\)"):
        ttnn.gather(t, 2, idx)
    with pytest.raises(ValueError, match="ttnn.gather.*integer dtype"):
        ttnn.gather(t, 2, put(torch.zeros(1, 1, 1), ttnn.float32, RM, device))
    with pytest.raises(ValueError, match="ttnn.index_select: index 3 .* out of range \\[0, 3\\)"):
        ttnn.index_select(t, 1, put(torch.tensor([0, 3]), ttnn.uint32, RM, device))
    weight = put(make([10, 8], ttnn.float32), ttnn.bfloat16, RM, device)
    ids = put(torch.tensor([[1, 10]]), ttnn.uint32, RM, device)
    with pytest.raises(ValueError, match="ttnn.embedding: index 10 .* out of range \\[0, 10\\)"):
        ttnn.embedding(ids, weight)
    with pytest.raises(TypeError, match="ttnn.reshape"):
        ttnn.reshape(t, "abc")
    with pytest.raises(IndexError):
        t[5]
    with pytest.raises(IndexError):
        t[0, 0, 0, 0]
    with pytest.raises(ValueError, match="step"):
        t[::-1]
