// Kernels of the tensor family: transfers between host and device, layout and dtype changes.
#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {
namespace {

BoundKernel to_device_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    const auto device = ctx.target().device;
    const auto mesh = ctx.target().mesh;
    const std::string mapper = ctx.get_string("mesh_mapper", "replicate");
    if (mapper != "replicate")
        throw InvalidArgument("ttnn.to_device: mesh_mapper '" + mapper + "' is not supported by this kernel");
    return [=](std::span<const Tensor> in) {
        Tensor t = mesh ? ttnn::to_device(in[0], mesh, dram_memory_config()) : ttnn::to_device(in[0], device, dram_memory_config());
        if (t.layout() != layout || t.dtype() != dtype) t = ttnn::to_layout(t, layout, dtype);
        return std::vector<Tensor>{t};
    };
}

BoundKernel from_device_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) {
        Tensor t = in[0];
        if (t.layout() != Layout::ROW_MAJOR || t.dtype() != dtype) t = ttnn::to_layout(t, Layout::ROW_MAJOR, dtype);
        return std::vector<Tensor>{ttnn::from_device(t)};
    };
}

BoundKernel typecast_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ttnn::typecast(in[0], dtype)}; };
}

BoundKernel to_layout_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    return [=](std::span<const Tensor> in) { return std::vector<Tensor>{ttnn::to_layout(in[0], layout, dtype)}; };
}

}  // namespace

void register_tensor_kernels(KernelTable& table) {
    table.add("ttnn.to_device", to_device_kernel);
    table.add("ttnn.from_device", from_device_kernel, /*value_preserving=*/true);
    table.add("ttnn.typecast", typecast_kernel);
    table.add("ttnn.to_layout", to_layout_kernel, /*value_preserving=*/true);
}

}  // namespace ttnn::graph
