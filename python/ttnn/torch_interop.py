"""from_torch / to_torch: the bridge between torch tensors and ttnn tensors.

Data crosses through DLPack without copies on the way in; the C++ core converts it (bf16 rounding,
block-float packing, tilizing) in one parallel pass, straight into device memory when a device is
given. A float32 (or bfloat16, int32, ...) tensor kept ROW_MAJOR on the host borrows the torch
tensor's memory, as TT-NN's borrowed storage does: later in-place changes to it are seen.
"""

import torch

from ttnn import _C
from ttnn._C import DataType, Device, Layout, MemoryConfig, MeshDevice, StorageType, Tensor
from ttnn.core import check_pad_value, check_tensor, check_type
from ttnn.distributed import ConcatMeshToTensor, ReplicateTensorToMesh, ShardTensorToMesh, TensorToMesh

# The ttnn dtype a torch dtype becomes when from_torch is given no dtype.
_DEFAULT_DTYPE = {
    torch.float32: DataType.FLOAT32,
    torch.float64: DataType.FLOAT32,
    torch.float16: DataType.FLOAT32,
    torch.bfloat16: DataType.BFLOAT16,
    torch.int64: DataType.INT32,
    torch.int32: DataType.INT32,
    torch.int16: DataType.INT32,
    torch.int8: DataType.INT32,
    torch.uint8: DataType.UINT8,
    torch.bool: DataType.UINT8,
    torch.uint16: DataType.UINT16,
    torch.uint32: DataType.UINT32,
}

# torch dtypes the C++ core reads and writes as they are; others are cast by torch first.
_NATIVE = {torch.float32, torch.bfloat16, torch.int32, torch.int64, torch.uint8, torch.uint16, torch.uint32}
_WIDEN = {torch.float64: torch.float32, torch.float16: torch.float32, torch.int16: torch.int32,
          torch.int8: torch.int32, torch.bool: torch.uint8}

# The torch dtype to_torch returns: one that holds every value of the ttnn dtype exactly.
_TORCH_DTYPE = {
    DataType.FLOAT32: torch.float32,
    DataType.BFLOAT16: torch.bfloat16,
    DataType.BFLOAT8_B: torch.float32,
    DataType.BFLOAT4_B: torch.float32,
    DataType.INT32: torch.int32,
    DataType.UINT32: torch.int64,
    DataType.UINT16: torch.int32,
    DataType.UINT8: torch.uint8,
}
_WRITABLE = {torch.float32, torch.bfloat16, torch.int32, torch.int64, torch.uint8}


def _new_torch(shape, dtype):
    """An uninitialized torch tensor backed by ttnn's host allocator (warm, reused pages)."""
    return _C.new_torch_array(list(shape), str(dtype).removeprefix("torch."))


def _host_array(op, tensor):
    """A CPU, contiguous, DLPack-exportable view (or cast copy) of a torch tensor."""
    if tensor.device.type != "cpu":
        raise ValueError(f"{op}: the torch tensor is on device '{tensor.device}'; move it to the CPU first")
    if tensor.is_complex():
        raise TypeError(f"{op}: complex tensors ({tensor.dtype}) have no TT-NN dtype")
    tensor = tensor.detach()
    if tensor.dtype not in _NATIVE:
        if tensor.dtype not in _WIDEN:
            raise TypeError(f"{op}: torch dtype {tensor.dtype} has no TT-NN counterpart")
        tensor = tensor.to(_WIDEN[tensor.dtype])
    if tensor.is_conj() or tensor.is_neg():
        tensor = tensor.resolve_conj().resolve_neg()
    return tensor.contiguous()


def from_torch(
    tensor,
    dtype=None,
    *,
    layout=Layout.ROW_MAJOR,
    device=None,
    memory_config=None,
    mesh_mapper=None,
    pad_value=None,
    cq_id=None,
    tile=None,
):
    """Converts a torch tensor into a ttnn tensor of `dtype` and `layout`, on `device` if given.

    With a MeshDevice as device, the tensor is replicated to every device unless `mesh_mapper`
    (ShardTensorToMesh / ReplicateTensorToMesh) says otherwise.
    """
    op = "ttnn.from_torch"
    check_type(op, "tensor", tensor, torch.Tensor, "a torch.Tensor")
    if dtype is None:
        dtype = _DEFAULT_DTYPE.get(tensor.dtype)
        if dtype is None:
            raise TypeError(f"{op}: torch dtype {tensor.dtype} has no TT-NN counterpart")
    check_type(op, "dtype", dtype, DataType, "a ttnn.DataType such as ttnn.bfloat16")
    check_type(op, "layout", layout, Layout, "a ttnn.Layout such as ttnn.TILE_LAYOUT")
    if device is not None:
        check_type(op, "device", device, (Device, MeshDevice), "a ttnn.Device or ttnn.MeshDevice")
    if memory_config is None:
        memory_config = _C.DRAM_MEMORY_CONFIG
    check_type(op, "memory_config", memory_config, MemoryConfig, "a ttnn.MemoryConfig")
    if mesh_mapper is not None:
        check_type(op, "mesh_mapper", mesh_mapper, TensorToMesh, "a ShardTensorToMesh or ReplicateTensorToMesh")
    if tile is not None and tuple(tile) != (32, 32):
        raise ValueError(f"{op}: tile={tile!r}: only 32x32 tiles are supported")
    pad = 0.0 if pad_value is None else check_pad_value(op, pad_value)
    array = _host_array(op, tensor)

    if isinstance(device, MeshDevice) and mesh_mapper is None:
        mesh_mapper = ReplicateTensorToMesh(device)
    if mesh_mapper is not None:
        if device is not None and device is not mesh_mapper.mesh_device:
            raise ValueError(f"{op}: mesh_mapper was made for another mesh than device={device!r}")
        shard = isinstance(mesh_mapper, ShardTensorToMesh)
        dim = mesh_mapper.dim if shard else 0
        host = _C.distribute_host_array(array, mesh_mapper.mesh_device, shard, dim, dtype, layout, pad)
        return host if device is None else _C.to_device(host, device, memory_config)
    if device is not None:
        return _C.from_host_array_on_device(array, dtype, layout, memory_config, pad, device)
    return _C.from_host_array(array, dtype, layout, pad)


def _torch_dtype_for(op, tensor, dtype):
    if dtype is None:
        return _TORCH_DTYPE[tensor.dtype]
    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"{op}: dtype must be a torch.dtype, got {dtype!r}")
    return dtype


def to_torch(tensor, dtype=None, *, mesh_composer=None, torch_rank=None, device=None, cq_id=None):
    """Converts a ttnn tensor (on the host or a device) into a new torch tensor of its logical shape.

    A tensor spread over a mesh needs mesh_composer=ConcatMeshToTensor(mesh, dim).
    """
    op = "ttnn.to_torch"
    check_tensor(op, tensor)
    _C.check_usable(tensor, op)
    want = _torch_dtype_for(op, tensor, dtype)
    write_as = want if want in _WRITABLE else _TORCH_DTYPE[tensor.dtype]
    if mesh_composer is not None:
        check_type(op, "mesh_composer", mesh_composer, ConcatMeshToTensor, "a ttnn.ConcatMeshToTensor")
        shape = list(_C.concatenated_shape(tensor, mesh_composer.dim))
        out = _new_torch(shape, write_as)
        _C.concat_shards_to_host_array(tensor, mesh_composer.dim, out)
    else:
        if tensor.num_shards() > 1:
            raise ValueError(
                f"{op}: the tensor is spread over {tensor.num_shards()} devices; pass "
                "mesh_composer=ttnn.ConcatMeshToTensor(mesh_device, dim) to join the shards "
                "(or take one with ttnn.get_device_tensors)"
            )
        out = _new_torch(tensor.shape, write_as)
        _C.copy_to_host_array(tensor, 0, out)
    if out.dtype != want:
        out = out.to(want)
    if torch_rank is not None:
        while out.dim() > torch_rank:
            if out.shape[0] != 1:
                raise ValueError(f"{op}: cannot drop dim 0 of size {out.shape[0]} to reach torch_rank={torch_rank}")
            out = out.squeeze(0)
    return out


def _tensor_repr(self):
    head = f"ttnn.Tensor(shape={self.shape}, dtype={self.dtype}, layout={self.layout}"
    if not self.is_allocated():
        return head + ", deallocated)"
    where = self.device()
    if self.num_shards() > 1:
        return head + f", shards={self.num_shards()}, device={where!r})"
    values = torch.Tensor.__repr__(to_torch(self))
    return f"ttnn.Tensor({values[len('tensor('):-1] if values.startswith('tensor(') else values}, " + head[len("ttnn.Tensor("):] + (
        f", device={where!r})" if where is not None else ")"
    )


def _cpu(self, blocking=True, cq_id=None):
    return _C.from_device(self)


def _to(self, device, memory_config=None, cq_id=None):
    from ttnn.core import to_device

    return to_device(self, device, memory_config)


Tensor.to_torch = lambda self, **kwargs: to_torch(self, **kwargs)
Tensor.cpu = _cpu
Tensor.to = _to
Tensor.__repr__ = _tensor_repr
Tensor.__str__ = _tensor_repr
_ = StorageType
