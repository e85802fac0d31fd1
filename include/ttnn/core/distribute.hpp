// Spreading a host array over a mesh and putting it back: the C++ behind ttnn.ShardTensorToMesh,
// ReplicateTensorToMesh, ConcatMeshToTensor and get_device_tensors.
#pragma once

#include <vector>

#include "ttnn/core/tensor_ops.hpp"

namespace ttnn {

struct MeshMapping {
    Distribution::Kind kind = Distribution::Kind::REPLICATE;  // REPLICATE or SHARD
    int dim = 0;                                              // SHARD: may be negative (from the end)
};

// A multi-device host tensor, one shard per device of `mesh`, each converted to dtype/layout.
// SHARD needs shape[dim] divisible by the number of devices.
Tensor distribute_host_array(const HostArray& src, const MeshDevice& mesh, MeshMapping mapping, DataType dtype,
                             Layout layout, float pad_value, std::string_view op = "ttnn.from_torch");

// Shape of the array that concatenating the shards of `tensor` along `dim` gives.
Shape concatenated_shape(const Tensor& tensor, int dim, std::string_view op = "ttnn.to_torch");
// Writes the shards of `tensor`, concatenated along `dim`, into `dst` (shape: concatenated_shape).
void concat_shards_to_host_array(const Tensor& tensor, int dim, const HostArray& dst,
                                 std::string_view op = "ttnn.to_torch");

// One single-device tensor per shard, sharing the shards' storage.
std::vector<Tensor> device_tensors(const Tensor& tensor);

}  // namespace ttnn
