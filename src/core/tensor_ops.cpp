#include "ttnn/core/tensor_ops.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "convert/convert.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn {

namespace {

codec::Format format_of(HostElement e) {
    switch (e) {
        case HostElement::F32: return codec::Format::F32;
        case HostElement::BF16: return codec::Format::BF16;
        case HostElement::I32: return codec::Format::I32;
        case HostElement::U32: return codec::Format::U32;
        case HostElement::U16: return codec::Format::U16;
        case HostElement::U8: return codec::Format::U8;
        case HostElement::I64: return codec::Format::I64;
    }
    return codec::Format::F32;
}

ThreadPool& pool_for(const Buffer& buffer) {
    return buffer.device() ? buffer.device()->thread_pool() : host_thread_pool();
}

AllocationRequest allocation_request(const TensorSpec& spec, std::size_t num_cores) {
    AllocationRequest r;
    r.bytes = spec.storage_bytes();
    r.buffer_type = spec.memory_config.buffer_type;
    r.description = "tensor " + spec.to_string() + " (" + std::string(to_string(spec.memory_config.buffer_type)) +
                    " " + std::string(to_string(spec.memory_config.memory_layout)) + ")";
    if (r.buffer_type != BufferType::L1) return r;
    if (!spec.memory_config.is_sharded()) {
        // Interleaved pages go round-robin over the cores; every core reserves the same size.
        const std::size_t pages_per_core = (spec.num_pages() + num_cores - 1) / num_cores;
        r.l1_bytes_per_core = pages_per_core * round_up(spec.page_size(), 16);
        return r;
    }
    const ShardSpec& s = *spec.memory_config.shard_spec;
    r.l1_shard_cores = s.grid.cores(s.orientation);
    const std::size_t shard_elements = std::size_t{s.shard_height} * s.shard_width;
    r.l1_shard_bytes = spec.layout == Layout::TILE ? shard_elements / kTileElements * tile_size_bytes(spec.dtype)
                                                   : shard_elements * element_size(spec.dtype);
    return r;
}

std::shared_ptr<Buffer> allocate_on(const std::shared_ptr<Device>& device, const TensorSpec& spec, std::string_view op) {
    if (!device->is_open()) throw InvalidState(op, "device " + std::to_string(device->id()) + " is closed");
    return device->allocate_buffer(allocation_request(spec, device->num_cores()), op);
}

// Integer data must fit the dtype it goes into: a silent wrap-around would be garbage.
template <class T>
void check_int_range(const T* values, std::size_t n, DataType dtype, std::string_view op) {
    std::int64_t lo = 0, hi = 0;
    switch (dtype) {
        case DataType::INT32: lo = std::numeric_limits<std::int32_t>::min(); hi = std::numeric_limits<std::int32_t>::max(); break;
        case DataType::UINT32: hi = std::numeric_limits<std::uint32_t>::max(); break;
        case DataType::UINT16: hi = std::numeric_limits<std::uint16_t>::max(); break;
        case DataType::UINT8: hi = std::numeric_limits<std::uint8_t>::max(); break;
        default: return;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto v = static_cast<std::int64_t>(values[i]);
        if (v < lo || v > hi) {
            throw InvalidArgument(op, "value " + std::to_string(v) + " at flat index " + std::to_string(i) +
                                          " does not fit dtype " + std::string(to_string(dtype)) + " [" +
                                          std::to_string(lo) + ", " + std::to_string(hi) + "]");
        }
    }
}

void check_host_values_fit(const HostArray& src, DataType dtype, std::string_view op) {
    if (!is_integer(dtype)) return;
    const std::size_t n = src.shape.volume();
    switch (src.element) {
        case HostElement::I32: check_int_range(static_cast<const std::int32_t*>(src.data), n, dtype, op); break;
        case HostElement::U32: check_int_range(static_cast<const std::uint32_t*>(src.data), n, dtype, op); break;
        case HostElement::I64: check_int_range(static_cast<const std::int64_t*>(src.data), n, dtype, op); break;
        case HostElement::U16: check_int_range(static_cast<const std::uint16_t*>(src.data), n, dtype, op); break;
        default: break;  // floats saturate toward zero like a cast; uint8 fits every integer dtype
    }
}

TensorSpec host_spec(const Shape& shape, DataType dtype, Layout layout, std::string_view op) {
    TensorSpec spec{shape, dtype, layout, dram_memory_config()};
    validate_spec(spec, op);
    return spec;
}

void convert_into(const HostArray& src, const TensorSpec& spec, Buffer& dst, float pad_value, std::string_view op) {
    codec::convert_storage({static_cast<std::byte*>(src.data), format_of(src.element), Layout::ROW_MAJOR},
                           {dst.data(op), codec::format_of(spec.dtype), spec.layout}, spec.logical_shape, pad_value,
                           pool_for(dst));
}

// Copies bytes between buffers of one spec, in parallel.
void copy_bytes(const Buffer& src, Buffer& dst, std::size_t bytes, std::string_view op, ThreadPool& pool) {
    const std::byte* from = src.data(op);
    std::byte* to = dst.data(op);
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    pool.parallel_for((bytes + kChunk - 1) / kChunk, 1, [&](std::size_t begin, std::size_t end) {
        const std::size_t lo = begin * kChunk;
        const std::size_t hi = std::min(bytes, end * kChunk);
        std::memcpy(to + lo, from + lo, hi - lo);
    });
}

}  // namespace

std::size_t element_bytes(HostElement element) { return codec::element_bytes(format_of(element)); }

std::string_view to_string(HostElement element) {
    switch (element) {
        case HostElement::F32: return "float32";
        case HostElement::BF16: return "bfloat16";
        case HostElement::I32: return "int32";
        case HostElement::U32: return "uint32";
        case HostElement::U16: return "uint16";
        case HostElement::U8: return "uint8";
        case HostElement::I64: return "int64";
    }
    return "?";
}

std::optional<DataType> dtype_storing(HostElement element) {
    switch (element) {
        case HostElement::F32: return DataType::FLOAT32;
        case HostElement::BF16: return DataType::BFLOAT16;
        case HostElement::I32: return DataType::INT32;
        case HostElement::U32: return DataType::UINT32;
        case HostElement::U16: return DataType::UINT16;
        case HostElement::U8: return DataType::UINT8;
        case HostElement::I64: return std::nullopt;
    }
    return std::nullopt;
}

Tensor tensor_from_host_array(const HostArray& src, DataType dtype, Layout layout, float pad_value,
                              std::shared_ptr<void> keep_alive, std::string_view op) {
    const TensorSpec spec = host_spec(src.shape, dtype, layout, op);
    check_host_values_fit(src, dtype, op);
    auto storage = std::make_shared<Storage>();
    if (layout == Layout::ROW_MAJOR && dtype_storing(src.element) == dtype) {
        storage->buffers.push_back(Buffer::borrow_host(src.data, spec.storage_bytes(), std::move(keep_alive)));
    } else {
        auto buffer = Buffer::allocate_host(spec.storage_bytes());
        convert_into(src, spec, *buffer, pad_value, op);
        storage->buffers.push_back(std::move(buffer));
    }
    return Tensor(spec, std::move(storage));
}

Tensor tensor_from_host_array_on_device(const HostArray& src, DataType dtype, Layout layout,
                                        const MemoryConfig& memory_config, float pad_value,
                                        const std::shared_ptr<Device>& device, std::string_view op) {
    TensorSpec spec{src.shape, dtype, layout, memory_config};
    validate_spec(spec, op);
    check_host_values_fit(src, dtype, op);
    auto storage = std::make_shared<Storage>();
    storage->device = device;
    storage->buffers.push_back(allocate_on(device, spec, op));
    convert_into(src, spec, *storage->buffers.front(), pad_value, op);
    return Tensor(spec, std::move(storage));
}

void copy_to_host_array(const Tensor& tensor, std::size_t shard, const HostArray& dst, std::string_view op) {
    const TensorSpec& spec = tensor.spec();
    if (dst.shape != spec.logical_shape) {
        throw InvalidArgument(op, "destination shape " + dst.shape.to_string() + " differs from the tensor's " +
                                      spec.logical_shape.to_string());
    }
    const Buffer& buffer = *tensor.shard(shard);
    codec::convert_storage({tensor.shard_data(shard, op), codec::format_of(spec.dtype), spec.layout},
                           {static_cast<std::byte*>(dst.data), format_of(dst.element), Layout::ROW_MAJOR},
                           spec.logical_shape, 0.0f, pool_for(buffer));
}

std::string_view conversion_kernel_isa() { return codec::active_kernels().isa; }

Tensor allocate_like_placement(const TensorSpec& spec, const Tensor& like, std::string_view op) {
    auto storage = std::make_shared<Storage>();
    const Storage& from = like.storage();
    storage->device = from.device;
    storage->mesh = from.mesh;
    storage->distribution = from.distribution;
    for (const auto& b : from.buffers) {
        storage->buffers.push_back(b->device() ? allocate_on(b->device_ptr(), spec, op)
                                               : Buffer::allocate_host(spec.storage_bytes()));
    }
    return Tensor(spec, std::move(storage));
}

namespace {

// Converts every shard of `tensor` into a new tensor of `spec` placed like it.
Tensor convert_tensor(const Tensor& tensor, const TensorSpec& spec, float pad_value, std::string_view op) {
    tensor.check_usable(op);
    validate_spec(spec, op);
    Tensor out = allocate_like_placement(spec, tensor, op);
    const TensorSpec& from = tensor.spec();
    for (std::size_t i = 0; i < tensor.num_shards(); ++i) {
        Buffer& dst = *out.shard(i);
        if (from.dtype == spec.dtype && from.layout == spec.layout) {
            copy_bytes(*tensor.shard(i), dst, spec.storage_bytes(), op, pool_for(dst));
            continue;
        }
        codec::convert_storage({tensor.shard_data(i, op), codec::format_of(from.dtype), from.layout},
                               {dst.data(op), codec::format_of(spec.dtype), spec.layout}, spec.logical_shape,
                               pad_value, pool_for(dst));
    }
    return out;
}

// Copies shard source_shard[i] of a host tensor to devices[i]; `storage` says where the result lives.
Tensor copy_shards_to(const Tensor& tensor, const std::vector<std::shared_ptr<Device>>& devices,
                      const std::vector<std::size_t>& source_shard, const MemoryConfig& memory_config,
                      std::shared_ptr<Storage> storage, std::string_view op) {
    tensor.check_usable(op);
    TensorSpec spec = tensor.spec();
    spec.memory_config = memory_config;
    validate_spec(spec, op);
    for (std::size_t i = 0; i < devices.size(); ++i) {
        auto buffer = allocate_on(devices[i], spec, op);
        copy_bytes(*tensor.shard(source_shard[i]), *buffer, spec.storage_bytes(), op, devices[i]->thread_pool());
        storage->buffers.push_back(std::move(buffer));
    }
    return Tensor(spec, std::move(storage));
}

}  // namespace

Tensor to_device(const Tensor& tensor, const std::shared_ptr<Device>& device, const MemoryConfig& memory_config,
                 std::string_view op) {
    tensor.check_usable(op);
    if (tensor.storage_type() == StorageType::DEVICE) {
        if (tensor.device() == device && tensor.memory_config() == memory_config) return tensor;
        throw InvalidArgument(op, "the tensor is already on a device; use ttnn.from_device first or "
                                  "ttnn.to_memory_config to move it within its device");
    }
    if (tensor.num_shards() != 1) {
        throw InvalidArgument(op, "the tensor holds " + std::to_string(tensor.num_shards()) +
                                      " mesh shards; send it to a MeshDevice of that many devices");
    }
    auto storage = std::make_shared<Storage>();
    storage->device = device;
    return copy_shards_to(tensor, {device}, {0}, memory_config, std::move(storage), op);
}

Tensor to_device(const Tensor& tensor, const std::shared_ptr<MeshDevice>& mesh, const MemoryConfig& memory_config,
                 std::string_view op) {
    tensor.check_usable(op);
    if (tensor.storage_type() == StorageType::DEVICE) {
        if (tensor.mesh_device() == mesh && tensor.memory_config() == memory_config) return tensor;
        throw InvalidArgument(op, "the tensor is already on a device; use ttnn.from_device first");
    }
    const std::size_t n = mesh->num_devices();
    std::vector<std::size_t> sources(n, 0);
    if (tensor.num_shards() == n) {
        for (std::size_t i = 0; i < n; ++i) sources[i] = i;
    } else if (tensor.num_shards() != 1) {
        throw InvalidArgument(op, "the tensor holds " + std::to_string(tensor.num_shards()) + " shards but the mesh " +
                                      mesh->shape().to_string() + " has " + std::to_string(n) + " devices");
    }
    auto storage = std::make_shared<Storage>();
    storage->mesh = mesh;
    storage->distribution = tensor.num_shards() == 1 ? Distribution{Distribution::Kind::REPLICATE, 0}
                                                     : tensor.storage().distribution;
    return copy_shards_to(tensor, mesh->devices(), sources, memory_config, std::move(storage), op);
}

Tensor from_device(const Tensor& tensor, std::string_view op) {
    tensor.check_usable(op);
    if (tensor.storage_type() != StorageType::DEVICE) return tensor;
    auto storage = std::make_shared<Storage>();
    storage->mesh = tensor.mesh_device();
    storage->distribution = tensor.storage().distribution;
    TensorSpec spec = tensor.spec();
    spec.memory_config = dram_memory_config();
    for (std::size_t i = 0; i < tensor.num_shards(); ++i) {
        auto buffer = Buffer::allocate_host(spec.storage_bytes());
        copy_bytes(*tensor.shard(i), *buffer, spec.storage_bytes(), op, pool_for(*tensor.shard(i)));
        storage->buffers.push_back(std::move(buffer));
    }
    return Tensor(spec, std::move(storage));
}

Tensor to_layout(const Tensor& tensor, Layout layout, std::optional<DataType> dtype,
                 std::optional<MemoryConfig> memory_config, float pad_value, std::string_view op) {
    tensor.check_usable(op);
    TensorSpec spec = tensor.spec();
    spec.layout = layout;
    if (dtype) spec.dtype = *dtype;
    if (memory_config) spec.memory_config = *memory_config;
    if (spec == tensor.spec()) return tensor;
    return convert_tensor(tensor, spec, pad_value, op);
}

Tensor typecast(const Tensor& tensor, DataType dtype, std::optional<MemoryConfig> memory_config, std::string_view op) {
    tensor.check_usable(op);
    TensorSpec spec = tensor.spec();
    spec.dtype = dtype;
    if (memory_config) spec.memory_config = *memory_config;
    if (spec == tensor.spec()) return tensor;
    return convert_tensor(tensor, spec, 0.0f, op);
}

}  // namespace ttnn
