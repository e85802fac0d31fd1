// Moving tensors between the host and devices and between dtypes and layouts: the C++ behind
// ttnn.from_torch / to_torch / to_device / from_device / to_layout / typecast.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "ttnn/core/tensor.hpp"

namespace ttnn {

// Element types of host arrays we read and write (torch tensors, numpy arrays).
enum class HostElement { F32, BF16, I32, U32, U16, U8, I64 };
std::string_view to_string(HostElement element);
std::size_t element_bytes(HostElement element);

// A contiguous row-major array owned by the caller.
struct HostArray {
    void* data = nullptr;
    HostElement element = HostElement::F32;
    Shape shape;
};

// The TT-NN dtype that stores this element type as is, if there is one (I64 has none).
std::optional<DataType> dtype_storing(HostElement element);

// A host tensor from a host array. A ROW_MAJOR tensor of the element's own dtype borrows the
// array (no copy; `keep_alive` keeps it valid); anything else is converted into new memory.
// Integer values that the dtype cannot hold raise InvalidArgument naming `op` and the value.
Tensor tensor_from_host_array(const HostArray& src, DataType dtype, Layout layout, float pad_value,
                              std::shared_ptr<void> keep_alive, std::string_view op);

// The same, but converted straight into a new buffer on `device` (one pass, no host copy).
Tensor tensor_from_host_array_on_device(const HostArray& src, DataType dtype, Layout layout,
                                        const MemoryConfig& memory_config, float pad_value,
                                        const std::shared_ptr<Device>& device, std::string_view op);

// Writes shard `shard` of `tensor` (logical values) into `dst`, whose shape must be its logical shape.
void copy_to_host_array(const Tensor& tensor, std::size_t shard, const HostArray& dst, std::string_view op);

Tensor to_device(const Tensor& tensor, const std::shared_ptr<Device>& device, const MemoryConfig& memory_config,
                 std::string_view op = "ttnn.to_device");
// A host tensor is replicated to every device of the mesh; a multi-device host tensor sends shard i
// to device i.
Tensor to_device(const Tensor& tensor, const std::shared_ptr<MeshDevice>& mesh, const MemoryConfig& memory_config,
                 std::string_view op = "ttnn.to_device");
Tensor from_device(const Tensor& tensor, std::string_view op = "ttnn.from_device");

// Tilize / untilize (with padding), optionally changing dtype; stays where the tensor is.
Tensor to_layout(const Tensor& tensor, Layout layout, std::optional<DataType> dtype = std::nullopt,
                 std::optional<MemoryConfig> memory_config = std::nullopt, float pad_value = 0.0f,
                 std::string_view op = "ttnn.to_layout");
Tensor typecast(const Tensor& tensor, DataType dtype, std::optional<MemoryConfig> memory_config = std::nullopt,
                std::string_view op = "ttnn.typecast");

// The conversion kernels in use: "avx2" or "generic" (TTNN_ISA=generic forces the latter).
std::string_view conversion_kernel_isa();

// A new, uninitialized tensor of `spec` placed like `like` (host, device or mesh).
Tensor allocate_like_placement(const TensorSpec& spec, const Tensor& like, std::string_view op);

}  // namespace ttnn
