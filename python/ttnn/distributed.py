"""Mesh mappers and composers: how from_torch splits a tensor over a mesh and to_torch joins it."""

from ttnn._C import MeshDevice


class TensorToMesh:
    """Base of the mappers that from_torch(mesh_mapper=...) accepts."""

    def __init__(self, mesh_device):
        if not isinstance(mesh_device, MeshDevice):
            raise TypeError(
                f"{type(self).__name__}: mesh_device must be a ttnn.MeshDevice, got {mesh_device!r}"
            )
        self.mesh_device = mesh_device


class ShardTensorToMesh(TensorToMesh):
    """Splits dim `dim` evenly over the mesh's devices (in device order)."""

    def __init__(self, mesh_device, dim):
        super().__init__(mesh_device)
        if not isinstance(dim, int):
            raise TypeError(f"ShardTensorToMesh: dim must be an int, got {dim!r}")
        self.dim = dim

    def __repr__(self):
        return f"ShardTensorToMesh(dim={self.dim}, mesh={self.mesh_device.shape})"


class ReplicateTensorToMesh(TensorToMesh):
    """Gives every device of the mesh the whole tensor."""

    def __repr__(self):
        return f"ReplicateTensorToMesh(mesh={self.mesh_device.shape})"


class MeshToTensor:
    """Base of the composers that to_torch(mesh_composer=...) accepts."""


class ConcatMeshToTensor(MeshToTensor):
    """Concatenates the devices' shards along dim `dim`."""

    def __init__(self, mesh_device, dim):
        if not isinstance(mesh_device, MeshDevice):
            raise TypeError(f"ConcatMeshToTensor: mesh_device must be a ttnn.MeshDevice, got {mesh_device!r}")
        if not isinstance(dim, int):
            raise TypeError(f"ConcatMeshToTensor: dim must be an int, got {dim!r}")
        self.mesh_device = mesh_device
        self.dim = dim

    def __repr__(self):
        return f"ConcatMeshToTensor(dim={self.dim}, mesh={self.mesh_device.shape})"


def shard_tensor_to_mesh_mapper(mesh_device, dim):
    return ShardTensorToMesh(mesh_device, dim)


def replicate_tensor_to_mesh_mapper(mesh_device):
    return ReplicateTensorToMesh(mesh_device)


def concat_mesh_to_tensor_composer(mesh_device, dim):
    return ConcatMeshToTensor(mesh_device, dim)
