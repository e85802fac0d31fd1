// Host <-> mesh transfers of data-parallel programs (the split-data-parallel pass): the
// ttnn.to_device(mesh_mapper="shard") and ttnn.from_device(mesh_composer="concat") kernels, and
// the Program, which runs each mesh device's copy of the graph on its own thread and assembles the
// devices' outputs afterwards.
#pragma once

#include <memory>
#include <vector>

#include "ttnn/core/tensor.hpp"

namespace ttnn::graph {

// Slice `index` of `count` equal slices of a host ROW_MAJOR tensor along `dim`, converted to
// dtype/layout on `device` (ttnn.ShardTensorToMesh's part for one device). Slices of dim 0 are read
// in place; other dims are gathered into one contiguous host copy first.
Tensor shard_slice_to_device(const Tensor& host, int dim, std::size_t index, std::size_t count,
                             const std::shared_ptr<Device>& device, DataType dtype, Layout layout);

// ShardTensorToMesh: every device's slice, converted concurrently, as one mesh tensor.
Tensor shard_to_mesh(const Tensor& host, const std::shared_ptr<MeshDevice>& mesh, int dim, DataType dtype,
                     Layout layout);

// One mesh tensor over `mesh` whose shard i is the single-device tensor parts[i] (all one spec).
Tensor join_device_tensors(const std::vector<Tensor>& parts, const std::shared_ptr<MeshDevice>& mesh,
                           Distribution distribution);

// ConcatMeshToTensor along `dim`: the shards, converted to ROW_MAJOR `dtype`, into one host tensor.
Tensor concat_from_mesh(const Tensor& t, int dim, DataType dtype);

}  // namespace ttnn::graph
