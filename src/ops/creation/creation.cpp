// Creation ops: the values are written into a host working array (int64 for integer fills, so
// that int32 values stay exact) and converted once into the requested dtype and layout, straight
// into device memory when there is a device.
#include "ttnn/ops/creation.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops {

namespace {

constexpr std::size_t kGrain = std::size_t{1} << 16;

bool is_whole(const Scalar& s) {
    if (std::holds_alternative<std::int64_t>(s)) return true;
    const double v = std::get<double>(s);
    return std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18;
}
double as_double(const Scalar& s) {
    if (const auto* i = std::get_if<std::int64_t>(&s)) return static_cast<double>(*i);
    return std::get<double>(s);
}
std::int64_t as_int(const Scalar& s) {
    if (const auto* i = std::get_if<std::int64_t>(&s)) return *i;
    return static_cast<std::int64_t>(std::get<double>(s));
}

ThreadPool& pool_for(const Placement& where) {
    if (const auto* d = std::get_if<std::shared_ptr<Device>>(&where)) return (*d)->thread_pool();
    if (const auto* m = std::get_if<std::shared_ptr<MeshDevice>>(&where)) return (*m)->device(0)->thread_pool();
    return host_thread_pool();
}

void check_placement(const Placement& where, std::string_view op) {
    if (const auto* d = std::get_if<std::shared_ptr<Device>>(&where); d && !*d) {
        throw InvalidArgument(op, "device is null");
    }
    if (const auto* m = std::get_if<std::shared_ptr<MeshDevice>>(&where); m && !*m) {
        throw InvalidArgument(op, "mesh device is null");
    }
}

// Converts `values` into a tensor of dtype/layout at `where`.
template <class T>
Tensor place(const WorkArray<T>& values, DataType dtype, Layout layout, const Placement& where,
             const OptMemoryConfig& memory_config, std::string_view op) {
    const HostElement element = std::is_same_v<T, float> ? HostElement::F32 : HostElement::I64;
    const HostArray array{const_cast<T*>(values.data()), element, values.shape()};
    const MemoryConfig mc = memory_config.value_or(dram_memory_config());
    if (const auto* d = std::get_if<std::shared_ptr<Device>>(&where)) {
        return tensor_from_host_array_on_device(array, dtype, layout, mc, 0.0f, *d, op);
    }
    // A float32 ROW_MAJOR host tensor borrows the array: keep it alive with the tensor.
    auto keep_alive = std::make_shared<WorkArray<T>>(values);
    Tensor host = tensor_from_host_array(array, dtype, layout, 0.0f, std::move(keep_alive), op);
    if (const auto* m = std::get_if<std::shared_ptr<MeshDevice>>(&where)) return to_device(host, *m, mc, op);
    return host;
}

template <class T>
WorkArray<T> filled(const Shape& shape, T value, ThreadPool& pool) {
    WorkArray<T> values(shape);
    T* p = values.data();
    if (values.size() > 0) {
        pool.parallel_for(values.size(), kGrain, [&](std::size_t b, std::size_t e) { std::fill(p + b, p + e, value); });
    }
    return values;
}

Tensor full_impl(const Shape& shape, const Scalar& fill_value, DataType dtype, Layout layout, const Placement& where,
                 const OptMemoryConfig& memory_config, std::string_view op) {
    check_placement(where, op);
    ThreadPool& pool = pool_for(where);
    if (is_integer(dtype) && is_whole(fill_value)) {
        return place(filled<std::int64_t>(shape, as_int(fill_value), pool), dtype, layout, where, memory_config, op);
    }
    return place(filled<float>(shape, static_cast<float>(as_double(fill_value)), pool), dtype, layout, where,
                 memory_config, op);
}

Tensor like_impl(const Tensor& tensor, const Scalar& fill_value, std::optional<DataType> dtype,
                 std::optional<Layout> layout, const Placement& device, const OptMemoryConfig& memory_config,
                 std::string_view op) {
    tensor.check_usable(op);
    const DataType d = dtype.value_or(tensor.dtype());
    const Layout l = layout.value_or(tensor.layout());
    if (!std::holds_alternative<std::monostate>(device)) {
        return full_impl(tensor.logical_shape(), fill_value, d, l, device, memory_config, op);
    }
    // Where the tensor is, with its memory config unless told otherwise.
    const OptMemoryConfig mc = memory_config ? memory_config : OptMemoryConfig(tensor.memory_config());
    if (is_mesh_tensor(tensor)) {
        return for_each_device(
            std::span<const Tensor>(&tensor, 1),
            [&](std::span<const Tensor> s) {
                return full_impl(s[0].logical_shape(), fill_value, d, l, s[0].device(), mc, op);
            },
            op);
    }
    if (tensor.device()) return full_impl(tensor.logical_shape(), fill_value, d, l, tensor.device(), mc, op);
    return full_impl(tensor.logical_shape(), fill_value, d, l, std::monostate{}, std::nullopt, op);
}

}  // namespace

Tensor full(const Shape& shape, const Scalar& fill_value, DataType dtype, Layout layout, const Placement& device,
            const OptMemoryConfig& memory_config) {
    return full_impl(shape, fill_value, dtype, layout, device, memory_config, "ttnn.full");
}

Tensor zeros(const Shape& shape, DataType dtype, Layout layout, const Placement& device,
             const OptMemoryConfig& memory_config) {
    return full_impl(shape, std::int64_t{0}, dtype, layout, device, memory_config, "ttnn.zeros");
}

Tensor ones(const Shape& shape, DataType dtype, Layout layout, const Placement& device,
            const OptMemoryConfig& memory_config) {
    return full_impl(shape, std::int64_t{1}, dtype, layout, device, memory_config, "ttnn.ones");
}

Tensor empty(const Shape& shape, DataType dtype, Layout layout, const Placement& device,
             const OptMemoryConfig& memory_config) {
    return full_impl(shape, std::int64_t{0}, dtype, layout, device, memory_config, "ttnn.empty");
}

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, DataType dtype, const Placement& device,
              Layout layout, const OptMemoryConfig& memory_config) {
    const std::string_view op = "ttnn.arange";
    check_placement(device, op);
    if (as_double(step) == 0.0) throw InvalidArgument(op, "step=0; the step must be nonzero");
    for (const Scalar* s : {&start, &end, &step}) {
        if (!std::isfinite(as_double(*s))) throw InvalidArgument(op, "start, end and step must be finite");
    }
    ThreadPool& pool = pool_for(device);
    const auto check_count = [&](double count) {
        if (count > 4.0e9) {
            throw InvalidArgument(op, "the range has " + std::to_string(count) + " elements, more than a dim holds");
        }
    };
    if (is_whole(start) && is_whole(end) && is_whole(step)) {
        const std::int64_t a = as_int(start), b = as_int(end), s = as_int(step);
        const double span = static_cast<double>(b) - static_cast<double>(a);
        const double count_d = std::max(0.0, std::ceil(span / static_cast<double>(s)));
        check_count(count_d);
        const auto n = static_cast<std::int64_t>(count_d);
        I64Array values(Shape{n});
        std::int64_t* p = values.data();
        if (n > 0) {
            pool.parallel_for(static_cast<std::size_t>(n), kGrain, [&](std::size_t lo, std::size_t hi) {
                for (std::size_t i = lo; i < hi; ++i) p[i] = a + static_cast<std::int64_t>(i) * s;
            });
        }
        return place(values, dtype, layout, device, memory_config, op);
    }
    const double a = as_double(start), b = as_double(end), s = as_double(step);
    const double count_d = std::max(0.0, std::ceil((b - a) / s));
    check_count(count_d);
    const auto n = static_cast<std::int64_t>(count_d);
    F32Array values(Shape{n});
    float* p = values.data();
    if (n > 0) {
        pool.parallel_for(static_cast<std::size_t>(n), kGrain, [&](std::size_t lo, std::size_t hi) {
            for (std::size_t i = lo; i < hi; ++i) p[i] = static_cast<float>(a + static_cast<double>(i) * s);
        });
    }
    return place(values, dtype, layout, device, memory_config, op);
}

Tensor full_like(const Tensor& tensor, const Scalar& fill_value, std::optional<DataType> dtype,
                 std::optional<Layout> layout, const Placement& device, const OptMemoryConfig& memory_config) {
    return like_impl(tensor, fill_value, dtype, layout, device, memory_config, "ttnn.full_like");
}

Tensor zeros_like(const Tensor& tensor, std::optional<DataType> dtype, std::optional<Layout> layout,
                  const Placement& device, const OptMemoryConfig& memory_config) {
    return like_impl(tensor, std::int64_t{0}, dtype, layout, device, memory_config, "ttnn.zeros_like");
}

Tensor ones_like(const Tensor& tensor, std::optional<DataType> dtype, std::optional<Layout> layout,
                 const Placement& device, const OptMemoryConfig& memory_config) {
    return like_impl(tensor, std::int64_t{1}, dtype, layout, device, memory_config, "ttnn.ones_like");
}

Tensor empty_like(const Tensor& tensor, std::optional<DataType> dtype, std::optional<Layout> layout,
                  const Placement& device, const OptMemoryConfig& memory_config) {
    return like_impl(tensor, std::int64_t{0}, dtype, layout, device, memory_config, "ttnn.empty_like");
}

}  // namespace ttnn::ops
