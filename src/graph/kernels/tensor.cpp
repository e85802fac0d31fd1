// Kernels of the tensor family: transfers between host and device, layout and dtype changes.
//
// Data parallelism (the split-data-parallel pass): ttnn.to_device(x, mesh_mapper="shard", dim=d)
// sends slice i of the host tensor's dim d to device i of the mesh (ttnn.ShardTensorToMesh), and
// ttnn.from_device(y, mesh_composer="concat", dim=d) gathers the shards of a mesh tensor into one
// host tensor (ttnn.ConcatMeshToTensor). Without these attributes both behave as before: a host
// tensor is replicated to every device of a mesh, and a single device is untouched.
#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/kernel_table.hpp"
#include "ttnn/graph/mesh_io.hpp"

namespace ttnn::graph {
namespace {

BoundKernel to_device_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    const auto device = ctx.target().device;
    const auto mesh = ctx.target().mesh;
    const std::string mapper = ctx.get_string("mesh_mapper", "replicate");
    if (mapper != "replicate" && mapper != "shard")
        throw InvalidArgument("ttnn.to_device: mesh_mapper '" + mapper + "' is not supported (\"replicate\" or \"shard\")");
    if (mapper == "shard" && ctx.target().mesh_index >= 0) {
        const int dim = static_cast<int>(ctx.get_int("dim", 0));
        const auto index = static_cast<std::size_t>(ctx.target().mesh_index);
        const auto count = static_cast<std::size_t>(ctx.target().mesh_size);
        return [=](std::span<const Tensor> in) {
            return std::vector<Tensor>{shard_slice_to_device(in[0], dim, index, count, device, dtype, layout)};
        };
    }
    if (mapper == "shard") {
        if (!mesh) throw InvalidArgument("ttnn.to_device: mesh_mapper=\"shard\" needs a MeshDevice target");
        const int dim = static_cast<int>(ctx.get_int("dim", 0));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{shard_to_mesh(in[0], mesh, dim, dtype, layout)}; };
    }
    return [=](std::span<const Tensor> in) {
        Tensor t = mesh ? ttnn::to_device(in[0], mesh, dram_memory_config()) : ttnn::to_device(in[0], device, dram_memory_config());
        if (t.layout() != layout || t.dtype() != dtype) t = ttnn::to_layout(t, layout, dtype);
        return std::vector<Tensor>{t};
    };
}

BoundKernel from_device_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    const std::string composer = ctx.get_string("mesh_composer", "");
    if (!composer.empty() && composer != "concat")
        throw InvalidArgument("ttnn.from_device: mesh_composer '" + composer + "' is not supported (\"concat\")");
    if (composer == "concat" && ctx.target().mesh_index >= 0) {
        // This device's part, in the output's layout and dtype; the Program concatenates the parts.
        return [=](std::span<const Tensor> in) {
            Tensor t = in[0];
            if (t.layout() != Layout::ROW_MAJOR || t.dtype() != dtype) t = ttnn::to_layout(t, Layout::ROW_MAJOR, dtype);
            return std::vector<Tensor>{t};
        };
    }
    if (composer == "concat") {
        const int dim = static_cast<int>(ctx.get_int("dim", 0));
        return [=](std::span<const Tensor> in) { return std::vector<Tensor>{concat_from_mesh(in[0], dim, dtype)}; };
    }
    return [=](std::span<const Tensor> in) {
        Tensor t = in[0];
        // Without a composer, a mesh program computed the same values on every device (weights and
        // inputs replicated): device 0's copy is the result.
        if (t.mesh_device() && t.num_shards() > 1) t = device_tensors(t).front();
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
