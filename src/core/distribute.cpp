#include "ttnn/core/distribute.hpp"

#include <cstring>

#include "ttnn/core/error.hpp"

namespace ttnn {

namespace {

std::size_t normalize_dim(int dim, std::size_t rank, std::string_view op) {
    const int r = static_cast<int>(rank);
    const int d = dim < 0 ? dim + r : dim;
    if (rank == 0 || d < 0 || d >= r) {
        throw InvalidArgument(op, "dim=" + std::to_string(dim) + " is out of range for a tensor of rank " +
                                      std::to_string(rank));
    }
    return static_cast<std::size_t>(d);
}

// The array viewed as [outer, dim, inner] around `dim`.
struct Split {
    std::size_t outer = 1, extent = 1, inner = 1;
};
Split split_at(const Shape& shape, std::size_t dim) {
    Split s;
    for (std::size_t i = 0; i < dim; ++i) s.outer *= shape[i];
    s.extent = shape[dim];
    for (std::size_t i = dim + 1; i < shape.rank(); ++i) s.inner *= shape[i];
    return s;
}

// Copies between a full array and slice [first, first + count) of its dim: gather or scatter.
void copy_slice(std::byte* full, std::byte* part, const Split& s, std::size_t first, std::size_t count,
                std::size_t elem, bool to_part) {
    const std::size_t run = count * s.inner * elem;
    for (std::size_t o = 0; o < s.outer; ++o) {
        std::byte* f = full + ((o * s.extent + first) * s.inner) * elem;
        std::byte* p = part + o * run;
        if (to_part) {
            std::memcpy(p, f, run);
        } else {
            std::memcpy(f, p, run);
        }
    }
}

}  // namespace

Tensor distribute_host_array(const HostArray& src, const MeshDevice& mesh, MeshMapping mapping, DataType dtype,
                             Layout layout, float pad_value, std::string_view op) {
    const std::size_t n = mesh.num_devices();
    auto storage = std::make_shared<Storage>();
    storage->distribution = {mapping.kind, mapping.dim};
    if (mapping.kind == Distribution::Kind::REPLICATE) {
        // Every device gets the same bytes: convert once, share the host buffer.
        Tensor one = tensor_from_host_array(src, dtype, layout, pad_value, nullptr, op);
        TensorSpec spec = one.spec();
        if (one.shard(0)->is_borrowed()) {  // the shards outlive the caller's array: own a copy
            auto copy = Buffer::allocate_host(spec.storage_bytes());
            std::memcpy(copy->data(op), one.shard_data(0, op), spec.storage_bytes());
            for (std::size_t i = 0; i < n; ++i) storage->buffers.push_back(copy);
        } else {
            for (std::size_t i = 0; i < n; ++i) storage->buffers.push_back(one.shard(0));
        }
        return Tensor(spec, std::move(storage));
    }
    const std::size_t dim = normalize_dim(mapping.dim, src.shape.rank(), op);
    storage->distribution.dim = static_cast<int>(dim);
    const Split s = split_at(src.shape, dim);
    if (s.extent % n != 0) {
        throw InvalidArgument(op, "ShardTensorToMesh(dim=" + std::to_string(mapping.dim) + "): size " +
                                      std::to_string(s.extent) + " of dim " + std::to_string(dim) + " of shape " +
                                      src.shape.to_string() + " does not divide into " + std::to_string(n) +
                                      " devices of mesh " + mesh.shape().to_string());
    }
    const std::size_t count = s.extent / n;
    Shape shard_shape = src.shape;
    shard_shape[dim] = static_cast<std::uint32_t>(count);
    const std::size_t elem = element_bytes(src.element);
    std::vector<std::byte> scratch;
    TensorSpec spec;
    for (std::size_t i = 0; i < n; ++i) {
        HostArray part{nullptr, src.element, shard_shape};
        if (s.outer == 1) {
            part.data = static_cast<std::byte*>(src.data) + i * count * s.inner * elem;  // contiguous already
        } else {
            scratch.resize(shard_shape.volume() * elem);
            copy_slice(static_cast<std::byte*>(src.data), scratch.data(), s, i * count, count, elem, true);
            part.data = scratch.data();
        }
        Tensor shard = tensor_from_host_array(part, dtype, layout, pad_value, nullptr, op);
        if (shard.shard(0)->is_borrowed()) {
            // The shard must own its bytes: the caller's array (or our scratch) does not outlive it.
            auto copy = Buffer::allocate_host(shard.spec().storage_bytes());
            std::memcpy(copy->data(op), part.data, shard.spec().storage_bytes());
            storage->buffers.push_back(std::move(copy));
        } else {
            storage->buffers.push_back(shard.shard(0));
        }
        spec = shard.spec();
    }
    return Tensor(spec, std::move(storage));
}

Shape concatenated_shape(const Tensor& tensor, int dim, std::string_view op) {
    Shape shape = tensor.logical_shape();
    const std::size_t d = normalize_dim(dim, shape.rank(), op);
    shape[d] = static_cast<std::uint32_t>(shape[d] * tensor.num_shards());
    return shape;
}

void concat_shards_to_host_array(const Tensor& tensor, int dim, const HostArray& dst, std::string_view op) {
    const Shape full = concatenated_shape(tensor, dim, op);
    if (dst.shape != full) {
        throw InvalidArgument(op, "destination shape " + dst.shape.to_string() + " differs from " + full.to_string());
    }
    const std::size_t d = normalize_dim(dim, full.rank(), op);
    const Split s = split_at(full, d);
    const std::size_t count = tensor.logical_shape()[d];
    const std::size_t elem = element_bytes(dst.element);
    std::vector<std::byte> scratch;
    for (std::size_t i = 0; i < tensor.num_shards(); ++i) {
        HostArray part{nullptr, dst.element, tensor.logical_shape()};
        if (s.outer == 1) {
            part.data = static_cast<std::byte*>(dst.data) + i * count * s.inner * elem;
            copy_to_host_array(tensor, i, part, op);
        } else {
            scratch.resize(part.shape.volume() * elem);
            part.data = scratch.data();
            copy_to_host_array(tensor, i, part, op);
            copy_slice(static_cast<std::byte*>(dst.data), scratch.data(), s, i * count, count, elem, false);
        }
    }
}

std::vector<Tensor> device_tensors(const Tensor& tensor) {
    std::vector<Tensor> out;
    for (std::size_t i = 0; i < tensor.num_shards(); ++i) {
        auto storage = std::make_shared<Storage>();
        storage->buffers.push_back(tensor.shard(i));
        storage->device = tensor.shard(i)->device_ptr();
        out.emplace_back(tensor.spec(), std::move(storage));
    }
    return out;
}

}  // namespace ttnn
