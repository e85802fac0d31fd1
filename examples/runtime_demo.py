"""The main job until the compiler lands: the ttnn host runtime on real tensors.

Opens a device and a 1x2 mesh, moves tensors through every dtype and layout, and prints what a
user sees: shapes, padding, memory accounting, the error a bad request gets, and how close each
number format stays to float32 (PCC and max error against the torch source).
"""

import time

import torch

import ttnn


def pcc(a, b):
    a, b = a.double().flatten(), b.double().flatten()
    return torch.corrcoef(torch.stack([a, b]))[0, 1].item()


def main():
    torch.manual_seed(0)
    device = ttnn.open_device(device_id=0)
    print(f"device {device.id()}: grid {device.compute_with_storage_grid_size()}, "
          f"{device.num_threads()} host threads, conversion kernels: {ttnn._C.kernel_isa()}")

    x = torch.randn(3, 50, 70)
    print(f"\nsource: torch {tuple(x.shape)} float32")
    print(f"{'dtype':10} {'layout':10} {'shape':18} {'padded':18} {'bytes':>8} {'PCC':>10} {'max |err|':>10}")
    for dtype in (ttnn.float32, ttnn.bfloat16, ttnn.bfloat8_b, ttnn.bfloat4_b):
        for layout in (ttnn.ROW_MAJOR_LAYOUT, ttnn.TILE_LAYOUT):
            if dtype in (ttnn.bfloat8_b, ttnn.bfloat4_b) and layout == ttnn.ROW_MAJOR_LAYOUT:
                continue
            before = device.memory_stats()["dram_in_use"]
            t = ttnn.from_torch(x, dtype=dtype, layout=layout, device=device)
            used = device.memory_stats()["dram_in_use"] - before
            back = ttnn.to_torch(t).float()
            print(f"{dtype.name:10} {layout.name:10} {str(list(t.shape)):18} {str(list(t.padded_shape)):18} "
                  f"{used:8d} {pcc(x, back):10.6f} {(x - back).abs().max().item():10.4f}")
            ttnn.deallocate(t)

    t = ttnn.from_torch(x, dtype=ttnn.bfloat8_b, layout=ttnn.TILE_LAYOUT, device=device)
    print("\n" + repr(t)[:300] + " ...")
    print("memory config:", t.memory_config())
    print("memory in use:", device.memory_stats())

    small = ttnn.open_device(device_id=1, dram_size=1 << 20)
    print("\nbad requests get errors that say what to change:")
    for what, call in [
        ("bfloat8_b in ROW_MAJOR", lambda: ttnn.from_torch(x, dtype=ttnn.bfloat8_b)),
        ("rank 9", lambda: ttnn.from_torch(torch.zeros([1] * 9))),
        ("use after deallocate", lambda: (ttnn.deallocate(t), ttnn.to_torch(t))),
        ("4 MiB on a device with 1 MiB of DRAM", lambda: ttnn.from_torch(torch.randn(1024, 1024), device=small)),
        ("open device 0 twice", lambda: ttnn.open_device(device_id=0)),
    ]:
        try:
            call()
            print(f"  {what}: no error?!")
        except Exception as e:  # noqa: BLE001 - the point is to show each message
            print(f"  {what}: {type(e).__name__}: {e}")
    ttnn.close_device(small)
    ttnn.close_device(device)

    mesh = ttnn.open_mesh_device(ttnn.MeshShape(1, 2))
    batch = torch.randn(8, 3, 224, 224)
    start = time.perf_counter()
    sharded = ttnn.from_torch(batch, dtype=ttnn.bfloat16, layout=ttnn.TILE_LAYOUT, device=mesh,
                              mesh_mapper=ttnn.ShardTensorToMesh(mesh, dim=0))
    back = ttnn.to_torch(sharded, mesh_composer=ttnn.ConcatMeshToTensor(mesh, dim=0))
    ms = (time.perf_counter() - start) * 1e3
    shards = ttnn.get_device_tensors(sharded)
    print(f"\nmesh {mesh.shape}: batch {tuple(batch.shape)} sharded on dim 0 -> "
          f"{[tuple(s.shape) for s in shards]} on devices {mesh.get_device_ids()}; "
          f"round trip {ms:.1f} ms, equal to bf16 source: {torch.equal(back, batch.to(torch.bfloat16))}")
    ttnn.close_mesh_device(mesh)


if __name__ == "__main__":
    main()
