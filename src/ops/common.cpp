#include "ttnn/ops/common.hpp"

#include <atomic>
#include <cstring>
#include <thread>

#include "core/convert/convert.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/host_allocator.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/core/distribute.hpp"

namespace ttnn::ops {

namespace {
std::atomic<NumericsMode> g_mode{NumericsMode::FAITHFUL};

template <class T>
void read_into(const Tensor& tensor, T* out, codec::Format format, std::string_view op) {
    tensor.check_usable(op);
    if (tensor.num_shards() != 1) {
        throw InvalidArgument(op, "expected a single-device tensor, got one with " + std::to_string(tensor.num_shards()) +
                                      " shards");
    }
    const TensorSpec& spec = tensor.spec();
    codec::convert_storage({tensor.shard_data(0, op), codec::format_of(spec.dtype), spec.layout},
                           {reinterpret_cast<std::byte*>(out), format, Layout::ROW_MAJOR}, spec.logical_shape, 0.0f,
                           pool_of(tensor));
}

template <class T>
Tensor make_output_impl(const WorkArray<T>& values, HostElement element, DataType dtype, Layout layout,
                        const MemoryConfig& memory_config, const std::shared_ptr<Device>& device, std::string_view op) {
    // The same path as from_torch onto a device: one pass that rounds, tilizes and charges the device.
    const HostArray array{const_cast<T*>(values.data()), element, values.shape()};
    return tensor_from_host_array_on_device(array, dtype, layout, memory_config, 0.0f, device, op);
}
}  // namespace

namespace {
thread_local int t_mode_override = -1;  // -1: none, else a NumericsMode
}  // namespace

NumericsMode numerics_mode() {
    if (t_mode_override >= 0) return static_cast<NumericsMode>(t_mode_override);
    return g_mode.load(std::memory_order_relaxed);
}

ScopedNumericsMode::ScopedNumericsMode(NumericsMode mode) : previous_(t_mode_override) {
    t_mode_override = static_cast<int>(mode);
}

ScopedNumericsMode::~ScopedNumericsMode() { t_mode_override = previous_; }
void set_numerics_mode(NumericsMode mode) { g_mode.store(mode, std::memory_order_relaxed); }

template <class T>
WorkArray<T>::WorkArray(const Shape& shape) : shape_(shape) {
    const std::size_t bytes = shape.volume() * sizeof(T);
    T* p = static_cast<T*>(host_memory::allocate(bytes));
    memory_ = std::shared_ptr<T>(p, [bytes](T* q) { host_memory::release(q, bytes); });
}
template <class T>
void WorkArray<T>::make_private() {
    if (!alias_) return;
    WorkArray copy(shape_);
    std::memcpy(copy.data(), data(), size() * sizeof(T));
    *this = std::move(copy);
}

template class WorkArray<float>;
template class WorkArray<std::int64_t>;

F32Array read_f32(const Tensor& tensor, std::string_view op) {
    F32Array out(tensor.logical_shape());
    read_into(tensor, out.data(), codec::Format::F32, op);
    return out;
}

F32Array read_f32_shared(const Tensor& tensor, std::string_view op) {
    const TensorSpec& spec = tensor.spec();
    if (tensor.num_shards() == 1 && spec.dtype == DataType::FLOAT32 && spec.layout == Layout::ROW_MAJOR &&
        tensor.shard(0)->size() == spec.logical_shape.volume() * sizeof(float)) {
        tensor.check_usable(op);
        auto* data = reinterpret_cast<float*>(tensor.shard_data(0, op));
        return F32Array::alias(data, spec.logical_shape, tensor.shard(0));
    }
    return read_f32(tensor, op);
}

I64Array read_i64(const Tensor& tensor, std::string_view op) {
    I64Array out(tensor.logical_shape());
    read_into(tensor, out.data(), codec::Format::I64, op);
    return out;
}

Tensor make_output(const F32Array& values, DataType dtype, Layout layout, const MemoryConfig& memory_config,
                   const std::shared_ptr<Device>& device, std::string_view op) {
    return make_output_impl(values, HostElement::F32, dtype, layout, memory_config, device, op);
}

Tensor make_output(const I64Array& values, DataType dtype, Layout layout, const MemoryConfig& memory_config,
                   const std::shared_ptr<Device>& device, std::string_view op) {
    return make_output_impl(values, HostElement::I64, dtype, layout, memory_config, device, op);
}

ThreadPool& pool_of(const Tensor& tensor) {
    if (tensor.num_shards() > 0 && tensor.shard(0)->device()) return tensor.shard(0)->device()->thread_pool();
    return host_thread_pool();
}

bool is_mesh_tensor(const Tensor& tensor) { return tensor.mesh_device() != nullptr && !tensor.device(); }

namespace {
template <class Result>
std::vector<Result> run_per_device(std::span<const Tensor> inputs,
                                   const std::function<Result(std::span<const Tensor>)>& per_device,
                                   std::shared_ptr<MeshDevice>& mesh, std::string_view op) {
    for (const Tensor& t : inputs) {
        if (!is_mesh_tensor(t)) continue;
        if (mesh && t.mesh_device() != mesh) throw InvalidArgument(op, "inputs are on different meshes");
        mesh = t.mesh_device();
    }
    const std::size_t n = mesh->num_devices();
    std::vector<std::vector<Tensor>> per_input;
    for (const Tensor& t : inputs) {
        if (is_mesh_tensor(t)) {
            per_input.push_back(device_tensors(t));
        } else {
            per_input.emplace_back(n, t);
        }
    }
    std::vector<Result> results(n);
    std::vector<std::exception_ptr> errors(n);
    const NumericsMode mode = numerics_mode();
    auto run = [&](std::size_t d) {
        ScopedNumericsMode same_mode(mode);
        try {
            std::vector<Tensor> args;
            for (auto& shards : per_input) args.push_back(shards[d]);
            results[d] = per_device(args);
        } catch (...) {
            errors[d] = std::current_exception();
        }
    };
    // Each device runs on its own threads: drive them concurrently.
    std::vector<std::thread> threads;
    for (std::size_t d = 1; d < n; ++d) threads.emplace_back(run, d);
    run(0);
    for (auto& t : threads) t.join();
    for (auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
    return results;
}

Tensor join(std::vector<Tensor> parts, const std::shared_ptr<MeshDevice>& mesh, const Distribution& distribution) {
    auto storage = std::make_shared<Storage>();
    storage->mesh = mesh;
    storage->distribution = distribution;
    for (auto& p : parts) storage->buffers.push_back(p.shard(0));
    return Tensor(parts.front().spec(), std::move(storage));
}

Distribution distribution_of(std::span<const Tensor> inputs) {
    for (const Tensor& t : inputs) {
        if (is_mesh_tensor(t)) return t.storage().distribution;
    }
    return {};
}
}  // namespace

Tensor for_each_device(std::span<const Tensor> inputs,
                       const std::function<Tensor(std::span<const Tensor>)>& per_device, std::string_view op) {
    std::shared_ptr<MeshDevice> mesh;
    auto parts = run_per_device<Tensor>(inputs, per_device, mesh, op);
    return join(std::move(parts), mesh, distribution_of(inputs));
}

std::vector<Tensor> for_each_device_multi(
    std::span<const Tensor> inputs, const std::function<std::vector<Tensor>(std::span<const Tensor>)>& per_device,
    std::string_view op) {
    std::shared_ptr<MeshDevice> mesh;
    auto parts = run_per_device<std::vector<Tensor>>(inputs, per_device, mesh, op);
    std::vector<Tensor> out;
    for (std::size_t k = 0; k < parts.front().size(); ++k) {
        std::vector<Tensor> kth;
        for (auto& p : parts) kth.push_back(p[k]);
        out.push_back(join(std::move(kth), mesh, distribution_of(inputs)));
    }
    return out;
}

MemoryConfig output_memory_config(const std::optional<MemoryConfig>& requested, const Tensor& input) {
    return requested ? *requested : input.memory_config();
}

std::size_t normalize_dim(std::int64_t dim, std::size_t rank, std::string_view op) {
    const auto r = static_cast<std::int64_t>(rank);
    const std::int64_t d = dim < 0 ? dim + r : dim;
    if (d < 0 || d >= std::max<std::int64_t>(r, 1)) {
        throw InvalidArgument(op, "dim=" + std::to_string(dim) + " is out of range for rank " + std::to_string(rank));
    }
    return static_cast<std::size_t>(d);
}

}  // namespace ttnn::ops
