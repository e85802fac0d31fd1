// Bindings of the reduction family: ttnn.sum, mean, max, min, prod, var, std, argmax, argmin, topk,
// cumsum and cumprod, with TT-NN's Python signatures.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include "registry.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/reduction.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

// dim: an int, a list (or tuple) of ints, or None for all dims.
using DimArg = std::optional<std::variant<std::int64_t, std::vector<std::int64_t>>>;
using MemoryConfigArg = std::optional<MemoryConfig>;
using KernelConfigArg = std::optional<ops::ComputeKernelConfig>;

ops::ReduceDims dims_of(const DimArg& dim) {
    if (!dim) return std::nullopt;
    if (const auto* one = std::get_if<std::int64_t>(&*dim)) return std::vector<std::int64_t>{*one};
    return std::get<std::vector<std::int64_t>>(*dim);
}

// correction: True/False (TT-NN) or an int (torch).
std::int64_t correction_of(const std::variant<bool, std::int64_t>& c) {
    if (const auto* b = std::get_if<bool>(&c)) return *b ? 1 : 0;
    return std::get<std::int64_t>(c);
}

using Reduce = Tensor (*)(const Tensor&, const ops::ReduceDims&, bool, const MemoryConfigArg&, float);

void bind_reduce(nb::module_& m, const char* name, Reduce fn, const char* doc) {
    m.def(
        name,
        [fn](const Tensor& input, const DimArg& dim, bool keepdim, const MemoryConfigArg& memory_config,
             const KernelConfigArg&, float scalar) { return fn(input, dims_of(dim), keepdim, memory_config, scalar); },
        "input_tensor"_a, "dim"_a = nb::none(), "keepdim"_a = false, nb::kw_only(), "memory_config"_a = nb::none(),
        "compute_kernel_config"_a = nb::none(), "scalar"_a = 1.0f, doc);
}

using Spread = Tensor (*)(const Tensor&, const ops::ReduceDims&, bool, std::int64_t, const MemoryConfigArg&, float);

void bind_spread(nb::module_& m, const char* name, Spread fn, const char* doc) {
    m.def(
        name,
        [fn](const Tensor& input, const DimArg& dim, bool keepdim, const MemoryConfigArg& memory_config,
             const KernelConfigArg&, float scalar, const std::variant<bool, std::int64_t>& correction) {
            return fn(input, dims_of(dim), keepdim, correction_of(correction), memory_config, scalar);
        },
        "input_tensor"_a, "dim"_a = nb::none(), "keepdim"_a = false, nb::kw_only(), "memory_config"_a = nb::none(),
        "compute_kernel_config"_a = nb::none(), "scalar"_a = 1.0f, "correction"_a = true, doc);
}

using ArgReduce = Tensor (*)(const Tensor&, std::optional<std::int64_t>, bool, const MemoryConfigArg&);

void bind_arg_reduce(nb::module_& m, const char* name, ArgReduce fn, const char* doc) {
    m.def(
        name,
        [fn](const Tensor& input, std::optional<std::int64_t> dim, bool keepdim, bool /*use_multicore*/,
             const MemoryConfigArg& memory_config) { return fn(input, dim, keepdim, memory_config); },
        "input_tensor"_a, "dim"_a = nb::none(), "keepdim"_a = false, nb::kw_only(), "use_multicore"_a = false,
        "memory_config"_a = nb::none(), doc);
}

using Scan = Tensor (*)(const Tensor&, std::int64_t, std::optional<DataType>, bool, const MemoryConfigArg&);

void bind_scan(nb::module_& m, const char* name, Scan fn, const char* doc) {
    m.def(name, fn, "input_tensor"_a, "dim"_a, nb::kw_only(), "dtype"_a = nb::none(), "reverse_order"_a = false,
          "memory_config"_a = nb::none(), doc);
}

void bind_reduction(nb::module_& m) {
    bind_reduce(m, "sum", &ops::sum, "Sum over dim (an int, a list of ints, or None for all), times scalar");
    bind_reduce(m, "mean", &ops::mean, "Mean over dim (an int, a list of ints, or None for all), times scalar");
    bind_reduce(m, "max", &ops::max, "Max over dim (an int, a list of ints, or None for all); NaN propagates");
    bind_reduce(m, "min", &ops::min, "Min over dim (an int, a list of ints, or None for all); NaN propagates");
    m.def(
        "prod",
        [](const Tensor& input, const DimArg& dim, bool keepdim, const MemoryConfigArg& memory_config) {
            return ops::prod(input, dims_of(dim), keepdim, memory_config);
        },
        "input_tensor"_a, "dim"_a = nb::none(), "keepdim"_a = false, nb::kw_only(), "memory_config"_a = nb::none(),
        "Product over dim (an int, a list of ints, or None for all)");
    bind_spread(m, "var", &ops::var, "Variance over dim; correction=True (Bessel), False, or an int as in torch");
    bind_spread(m, "std", &ops::std,
                "Standard deviation over dim; correction=True (Bessel), False, or an int as in torch");
    bind_arg_reduce(m, "argmax", &ops::argmax,
                    "Index of the first max along dim (of the flattened tensor for None), UINT32 ROW_MAJOR");
    bind_arg_reduce(m, "argmin", &ops::argmin,
                    "Index of the first min along dim (of the flattened tensor for None), UINT32 ROW_MAJOR");
    m.def(
        "topk",
        [](const Tensor& input, std::int64_t k, std::int64_t dim, bool largest, bool sorted,
           const MemoryConfigArg& memory_config) { return ops::topk(input, k, dim, largest, sorted, memory_config); },
        "input_tensor"_a, "k"_a, "dim"_a = -1, "largest"_a = true, "sorted"_a = true, nb::kw_only(),
        "memory_config"_a = nb::none(),
        "(values, indices) of the k largest (smallest) entries along dim, sorted; indices UINT16 (UINT32 for a "
        "dim longer than 65535)");
    bind_scan(m, "cumsum", &ops::cumsum, "Cumulative sum along dim (from the end for reverse_order)");
    bind_scan(m, "cumprod", &ops::cumprod, "Cumulative product along dim (from the end for reverse_order)");
}

const OpBinder binder("reduction", &bind_reduction);

}  // namespace

}  // namespace ttnn::python
