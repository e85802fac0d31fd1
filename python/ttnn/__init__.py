"""TT-NN on the host CPU.

Tenstorrent's TT-NN programming model (devices and meshes, tensors with TT-NN's dtypes and
layouts, and its ops) implemented in C++ and executed on the host. Code written for TT-NN runs
unchanged::

    import torch, ttnn
    device = ttnn.open_device(device_id=0)
    t = ttnn.from_torch(torch.randn(3, 50, 70), dtype=ttnn.bfloat8_b, layout=ttnn.TILE_LAYOUT, device=device)
    back = ttnn.to_torch(t)
    ttnn.close_device(device)
"""

from ttnn import _C
from ttnn._C import (  # noqa: F401  (re-exported API)
    DRAM_MEMORY_CONFIG,
    L1_MEMORY_CONFIG,
    BufferType,
    CoreCoord,
    CoreRange,
    CoreRangeSet,
    DataType,
    Device,
    Layout,
    MathFidelity,
    MemoryConfig,
    MeshDevice,
    MeshShape,
    OutOfMemoryError,
    Shape,
    ShardOrientation,
    ShardSpec,
    StorageType,
    Tensor,
    TensorMemoryLayout,
    TtnnError,
    TtnnStateError,
    TtnnTypeError,
    TtnnValueError,
    close_device,
    close_mesh_device,
    get_device_tensors,
    get_num_devices,
    open_device,
    open_mesh_device,
    tile_size_bytes,
)
from ttnn.core import (  # noqa: F401
    deallocate,
    from_device,
    to_device,
    to_layout,
    typecast,
)
from ttnn.distributed import (  # noqa: F401
    ConcatMeshToTensor,
    MeshToTensor,
    ReplicateTensorToMesh,
    ShardTensorToMesh,
    TensorToMesh,
    concat_mesh_to_tensor_composer,
    replicate_tensor_to_mesh_mapper,
    shard_tensor_to_mesh_mapper,
)
from ttnn.torch_interop import from_torch, to_torch  # noqa: F401

from ttnn.ops import *  # noqa: E402,F401,F403  (every op of the op table, by its TT-NN name)
from ttnn import transformer  # noqa: E402,F401
from ttnn import matmul_operators  # noqa: E402,F401  (Tensor.__matmul__)
from ttnn import operators  # noqa: E402,F401  (Tensor +, -, *, /, comparisons)
from ttnn import indexing  # noqa: E402,F401  (Tensor.__getitem__)

bfloat16 = DataType.BFLOAT16
float32 = DataType.FLOAT32
bfloat8_b = DataType.BFLOAT8_B
bfloat4_b = DataType.BFLOAT4_B
uint8 = DataType.UINT8
uint16 = DataType.UINT16
uint32 = DataType.UINT32
int32 = DataType.INT32

ROW_MAJOR_LAYOUT = Layout.ROW_MAJOR
TILE_LAYOUT = Layout.TILE
TILE_SIZE = 32

__all__ = [name for name in dir() if not name.startswith("_")]
