// Creation ops (zeros ... empty_like) with TT-NN's parameters. Without a device the result is a
// host tensor (TT-NN's rule); with a MeshDevice it is replicated to every device. The *_like ops
// default to the dtype, layout and placement (host, device or mesh) of their input.
#pragma once

#include <memory>
#include <optional>
#include <variant>

#include "ttnn/core/mesh_device.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/eltwise.hpp"

namespace ttnn::ops {

// Where a new tensor goes: nowhere (the host), a device, or every device of a mesh.
using Placement = std::variant<std::monostate, std::shared_ptr<Device>, std::shared_ptr<MeshDevice>>;

Tensor full(const Shape& shape, const Scalar& fill_value, DataType dtype = DataType::BFLOAT16,
            Layout layout = Layout::ROW_MAJOR, const Placement& device = {}, const OptMemoryConfig& memory_config = {});
Tensor zeros(const Shape& shape, DataType dtype = DataType::BFLOAT16, Layout layout = Layout::ROW_MAJOR,
             const Placement& device = {}, const OptMemoryConfig& memory_config = {});
Tensor ones(const Shape& shape, DataType dtype = DataType::BFLOAT16, Layout layout = Layout::ROW_MAJOR,
            const Placement& device = {}, const OptMemoryConfig& memory_config = {});
// Contents unspecified (this runtime gives zeros).
Tensor empty(const Shape& shape, DataType dtype = DataType::BFLOAT16, Layout layout = Layout::ROW_MAJOR,
             const Placement& device = {}, const OptMemoryConfig& memory_config = {});
// [start, start + step, ...) below end (above end for a negative step), a 1-D tensor.
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step = std::int64_t{1},
              DataType dtype = DataType::BFLOAT16, const Placement& device = {}, Layout layout = Layout::ROW_MAJOR,
              const OptMemoryConfig& memory_config = {});

// device: std::monostate means "where `tensor` is".
Tensor full_like(const Tensor& tensor, const Scalar& fill_value, std::optional<DataType> dtype = std::nullopt,
                 std::optional<Layout> layout = std::nullopt, const Placement& device = {},
                 const OptMemoryConfig& memory_config = {});
Tensor zeros_like(const Tensor& tensor, std::optional<DataType> dtype = std::nullopt,
                  std::optional<Layout> layout = std::nullopt, const Placement& device = {},
                  const OptMemoryConfig& memory_config = {});
Tensor ones_like(const Tensor& tensor, std::optional<DataType> dtype = std::nullopt,
                 std::optional<Layout> layout = std::nullopt, const Placement& device = {},
                 const OptMemoryConfig& memory_config = {});
Tensor empty_like(const Tensor& tensor, std::optional<DataType> dtype = std::nullopt,
                  std::optional<Layout> layout = std::nullopt, const Placement& device = {},
                  const OptMemoryConfig& memory_config = {});

}  // namespace ttnn::ops
