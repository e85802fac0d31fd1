// Kernels of the tensor family: transfers between host and device, layout and dtype changes.
//
// Data parallelism (the split-data-parallel pass): ttnn.to_device(x, mesh_mapper="shard", dim=d)
// sends slice i of the host tensor's dim d to device i of the mesh (ttnn.ShardTensorToMesh), and
// ttnn.from_device(y, mesh_composer="concat", dim=d) gathers the shards of a mesh tensor into one
// host tensor (ttnn.ConcatMeshToTensor). Without these attributes both behave as before: a host
// tensor is replicated to every device of a mesh, and a single device is untouched.
#include <exception>
#include <thread>

#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/graph/kernel_table.hpp"

namespace ttnn::graph {
namespace {

HostElement host_element(DataType dtype, std::string_view op) {
    switch (dtype) {
        case DataType::FLOAT32: return HostElement::F32;
        case DataType::BFLOAT16: return HostElement::BF16;
        case DataType::INT32: return HostElement::I32;
        case DataType::UINT32: return HostElement::U32;
        case DataType::UINT16: return HostElement::U16;
        case DataType::UINT8: return HostElement::U8;
        default: break;
    }
    throw InvalidArgument(op, std::string("a host tensor of dtype ") + std::string(to_string(dtype)) +
                                  " cannot be split or assembled over a mesh");
}

// Runs body(d) for every device index, device 0 on the calling thread, the others concurrently.
template <class Body>
void for_each_index(std::size_t n, const Body& body) {
    std::vector<std::exception_ptr> errors(n);
    auto run = [&](std::size_t d) {
        try {
            body(d);
        } catch (...) {
            errors[d] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t d = 1; d < n; ++d) threads.emplace_back(run, d);
    run(0);
    for (auto& t : threads) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

// ShardTensorToMesh of a host ROW_MAJOR tensor along `dim`: each device converts its own slice
// straight into its memory (one pass, no host copy) when the slices are contiguous (dim 0).
Tensor shard_to_mesh(const Tensor& host, const std::shared_ptr<MeshDevice>& mesh, int dim, DataType dtype,
                     Layout layout) {
    constexpr std::string_view op = "ttnn.to_device";
    if (host.storage_type() != StorageType::HOST || host.num_shards() != 1 || host.layout() != Layout::ROW_MAJOR)
        throw InvalidArgument(op, "mesh_mapper=\"shard\" expects a host ROW_MAJOR tensor, got " + host.spec().to_string());
    const HostArray src{host.shard_data(0, op), host_element(host.dtype(), op), host.logical_shape()};
    const Shape& shape = src.shape;
    const int rank = static_cast<int>(shape.rank());
    const int d = dim < 0 ? dim + rank : dim;
    if (d != 0 || rank == 0) {
        const Tensor split = distribute_host_array(src, *mesh, {Distribution::Kind::SHARD, dim}, dtype, layout, 0.0f, op);
        return ttnn::to_device(split, mesh, dram_memory_config(), op);
    }
    const std::size_t n = mesh->num_devices();
    if (shape[0] % n != 0)
        throw InvalidArgument(op, "mesh_mapper=\"shard\": dim 0 of " + shape.to_string() + " does not divide into " +
                                      std::to_string(n) + " devices of mesh " + mesh->shape().to_string());
    Shape part_shape = shape;
    part_shape[0] = static_cast<std::uint32_t>(shape[0] / n);
    const std::size_t part_bytes = part_shape.volume() * element_bytes(src.element);
    std::vector<Tensor> parts(n);
    for_each_index(n, [&](std::size_t i) {
        const HostArray part{static_cast<std::byte*>(src.data) + i * part_bytes, src.element, part_shape};
        parts[i] = tensor_from_host_array_on_device(part, dtype, layout, dram_memory_config(), 0.0f, mesh->device(i), op);
    });
    auto storage = std::make_shared<Storage>();
    storage->mesh = mesh;
    storage->distribution = {Distribution::Kind::SHARD, 0};
    for (const Tensor& p : parts) storage->buffers.push_back(p.shard(0));
    return Tensor(parts.front().spec(), std::move(storage));
}

// ConcatMeshToTensor along `dim`: the shards, converted to ROW_MAJOR `dtype`, into one host tensor.
Tensor concat_from_mesh(const Tensor& t, int dim, DataType dtype) {
    constexpr std::string_view op = "ttnn.from_device";
    TensorSpec spec{concatenated_shape(t, dim, op), dtype, Layout::ROW_MAJOR, dram_memory_config()};
    auto buffer = Buffer::allocate_host(spec.storage_bytes());
    concat_shards_to_host_array(t, dim, HostArray{buffer->data(op), host_element(dtype, op), spec.logical_shape}, op);
    auto storage = std::make_shared<Storage>();
    storage->buffers.push_back(std::move(buffer));
    return Tensor(std::move(spec), std::move(storage));
}

BoundKernel to_device_kernel(const KernelContext& ctx) {
    const DataType dtype = ctx.output_dtype();
    const Layout layout = ctx.output_layout();
    const auto device = ctx.target().device;
    const auto mesh = ctx.target().mesh;
    const std::string mapper = ctx.get_string("mesh_mapper", "replicate");
    if (mapper != "replicate" && mapper != "shard")
        throw InvalidArgument("ttnn.to_device: mesh_mapper '" + mapper + "' is not supported (\"replicate\" or \"shard\")");
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
