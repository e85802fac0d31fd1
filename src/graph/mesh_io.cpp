// Host <-> mesh transfers of data-parallel programs; see include/ttnn/graph/mesh_io.hpp.
#include "ttnn/graph/mesh_io.hpp"

#include <cstring>
#include <exception>
#include <thread>

#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"

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

}  // namespace

Tensor shard_slice_to_device(const Tensor& host, int dim, std::size_t index, std::size_t count,
                             const std::shared_ptr<Device>& device, DataType dtype, Layout layout) {
    constexpr std::string_view op = "ttnn.to_device";
    if (host.storage_type() != StorageType::HOST || host.num_shards() != 1 || host.layout() != Layout::ROW_MAJOR)
        throw InvalidArgument(op, "mesh_mapper=\"shard\" expects a host ROW_MAJOR tensor, got " + host.spec().to_string());
    const HostElement element = host_element(host.dtype(), op);
    const Shape& shape = host.logical_shape();
    const int rank = static_cast<int>(shape.rank());
    const int d = dim < 0 ? dim + rank : dim;
    if (rank == 0 || d < 0 || d >= rank)
        throw InvalidArgument(op, "mesh_mapper=\"shard\": dim=" + std::to_string(dim) + " is out of range for " +
                                      shape.to_string());
    if (count == 0 || index >= count || shape[d] % count != 0)
        throw InvalidArgument(op, "mesh_mapper=\"shard\": dim " + std::to_string(d) + " of " + shape.to_string() +
                                      " does not divide into " + std::to_string(count) + " devices");
    Shape part_shape = shape;
    part_shape[d] = static_cast<std::uint32_t>(shape[d] / count);
    std::size_t outer = 1;
    for (int i = 0; i < d; ++i) outer *= shape[i];
    const std::size_t row_bytes = shape.volume() / std::max<std::size_t>(outer, 1) * element_bytes(element);
    const std::size_t part_row_bytes = row_bytes / count;
    const auto* src = static_cast<const std::byte*>(host.shard_data(0, op));
    if (outer <= 1) {  // one contiguous block: read in place
        const HostArray part{const_cast<std::byte*>(src) + index * part_row_bytes, element, part_shape};
        return tensor_from_host_array_on_device(part, dtype, layout, dram_memory_config(), 0.0f, device, op);
    }
    std::vector<std::byte> gathered(outer * part_row_bytes);
    for (std::size_t o = 0; o < outer; ++o)
        std::memcpy(gathered.data() + o * part_row_bytes, src + o * row_bytes + index * part_row_bytes, part_row_bytes);
    const HostArray part{gathered.data(), element, part_shape};
    return tensor_from_host_array_on_device(part, dtype, layout, dram_memory_config(), 0.0f, device, op);
}

Tensor join_device_tensors(const std::vector<Tensor>& parts, const std::shared_ptr<MeshDevice>& mesh,
                           Distribution distribution) {
    auto storage = std::make_shared<Storage>();
    storage->mesh = mesh;
    storage->distribution = distribution;
    for (const Tensor& p : parts) storage->buffers.push_back(p.shard(0));
    return Tensor(parts.front().spec(), std::move(storage));
}

Tensor shard_to_mesh(const Tensor& host, const std::shared_ptr<MeshDevice>& mesh, int dim, DataType dtype,
                     Layout layout) {
    const std::size_t n = mesh->num_devices();
    std::vector<Tensor> parts(n);
    std::vector<std::exception_ptr> errors(n);
    // Each device converts its own slice, concurrently (device 0 on the calling thread).
    auto run = [&](std::size_t i) {
        try {
            parts[i] = shard_slice_to_device(host, dim, i, n, mesh->device(i), dtype, layout);
        } catch (...) {
            errors[i] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < n; ++i) threads.emplace_back(run, i);
    run(0);
    for (auto& t : threads) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
    const int rank = static_cast<int>(host.logical_shape().rank());
    return join_device_tensors(parts, mesh, {Distribution::Kind::SHARD, dim < 0 ? dim + rank : dim});
}

Tensor concat_from_mesh(const Tensor& t, int dim, DataType dtype) {
    constexpr std::string_view op = "ttnn.from_device";
    TensorSpec spec{concatenated_shape(t, dim, op), dtype, Layout::ROW_MAJOR, dram_memory_config()};
    auto buffer = Buffer::allocate_host(spec.storage_bytes());
    concat_shards_to_host_array(t, dim, HostArray{buffer->data(op), host_element(dtype, op), spec.logical_shape}, op);
    auto storage = std::make_shared<Storage>();
    storage->buffers.push_back(std::move(buffer));
    return Tensor(std::move(spec), std::move(storage));
}

}  // namespace ttnn::graph
