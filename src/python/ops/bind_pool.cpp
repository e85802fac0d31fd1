// Bindings of the pool family: ttnn.max_pool2d, avg_pool2d, global_avg_pool2d,
// adaptive_avg_pool2d, adaptive_max_pool2d and upsample, with TT-NN's Python signatures.
#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>

#include "registry.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/pool.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

using U2 = std::array<std::uint32_t, 2>;
using OptMemory = std::optional<MemoryConfig>;

std::vector<double> numbers(nb::handle h, const char* name, std::string_view op) {
    auto number = [&](nb::handle v) -> double {
        if (nb::isinstance<nb::bool_>(v) || !(nb::isinstance<nb::int_>(v) || nb::isinstance<nb::float_>(v))) {
            throw TypeMismatch(op, std::string(name) + " must be a number or a tuple of numbers");
        }
        return nb::cast<double>(v);
    };
    if (nb::isinstance<nb::int_>(h) || nb::isinstance<nb::float_>(h)) return {number(h)};
    if (!nb::isinstance<nb::sequence>(h)) throw TypeMismatch(op, std::string(name) + " must be a number or a tuple");
    std::vector<double> v;
    for (nb::handle item : nb::iter(h)) v.push_back(number(item));
    return v;
}

std::uint32_t non_negative(double v, const char* name, std::string_view op) {
    if (v < 0 || v != static_cast<double>(static_cast<std::uint32_t>(v))) {
        throw InvalidArgument(op, std::string(name) + " must hold non-negative integers, got " + std::to_string(v));
    }
    return static_cast<std::uint32_t>(v);
}

// An int or a sequence of 2 ints.
U2 pair(nb::handle h, const char* name, std::string_view op) {
    auto v = numbers(h, name, op);
    if (v.size() == 1) v.push_back(v[0]);
    if (v.size() != 2) throw InvalidArgument(op, std::string(name) + " has " + std::to_string(v.size()) + " values, expected 2");
    return {non_negative(v[0], name, op), non_negative(v[1], name, op)};
}

ops::PoolPadding padding(nb::handle h, std::string_view op) {
    auto v = numbers(h, "padding", op);
    if (v.size() == 1) v.push_back(v[0]);
    if (v.size() == 2) return U2{non_negative(v[0], "padding", op), non_negative(v[1], "padding", op)};
    if (v.size() == 4) {
        return std::array<std::uint32_t, 4>{non_negative(v[0], "padding", op), non_negative(v[1], "padding", op),
                                            non_negative(v[2], "padding", op), non_negative(v[3], "padding", op)};
    }
    throw InvalidArgument(op, "padding has " + std::to_string(v.size()) + " values, expected 2 or 4");
}

void bind_pool(nb::module_& m) {
    m.def(
        "max_pool2d",
        [](const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
           std::uint32_t channels, nb::handle kernel_size, nb::handle stride, nb::handle pad, nb::handle dilation,
           bool ceil_mode, const OptMemory& memory_config, nb::handle dram_slice_config, nb::handle applied_shard_scheme,
           bool deallocate_input, bool reallocate_halo_output, bool return_indices, DataType dtype,
           Layout output_layout, bool config_tensor_in_dram) -> nb::object {
            constexpr std::string_view op = "ttnn.max_pool2d";
            (void)dram_slice_config, (void)applied_shard_scheme, (void)reallocate_halo_output,
                (void)config_tensor_in_dram;
            const U2 k = pair(kernel_size, "kernel_size", op), s = pair(stride, "stride", op),
                     d = pair(dilation, "dilation", op);
            const auto p = padding(pad, op);
            if (return_indices) {
                ops::MaxPoolWithIndices r;
                {
                    nb::gil_scoped_release release;
                    r = ops::max_pool2d_with_indices(input_tensor, batch_size, input_h, input_w, channels, k, s, p, d,
                                                     ceil_mode, memory_config, dtype, output_layout);
                    if (deallocate_input) Tensor(input_tensor).deallocate();
                }
                return nb::make_tuple(r.output, r.indices);
            }
            Tensor r;
            {
                nb::gil_scoped_release release;
                r = ops::max_pool2d(input_tensor, batch_size, input_h, input_w, channels, k, s, p, d, ceil_mode,
                                    memory_config, dtype, output_layout, deallocate_input);
            }
            return nb::cast(std::move(r));
        },
        "input_tensor"_a, "batch_size"_a, "input_h"_a, "input_w"_a, "channels"_a, "kernel_size"_a, "stride"_a,
        "padding"_a, "dilation"_a, "ceil_mode"_a = false, nb::kw_only(), "memory_config"_a = nb::none(),
        "dram_slice_config"_a = nb::none(), "applied_shard_scheme"_a = nb::none(), "deallocate_input"_a = false,
        "reallocate_halo_output"_a = true, "return_indices"_a = false, "dtype"_a = DataType::BFLOAT16,
        "output_layout"_a = Layout::ROW_MAJOR, "config_tensor_in_dram"_a = false,
        "2-D max pooling of NHWC activations ([N, H, W, C] or [1, 1, N*H*W, C]); returns [1, 1, N*Ho*Wo, C] "
        "in dtype (BFLOAT16 by default) and output_layout (ROW_MAJOR by default), as TT-NN. return_indices=True "
        "returns (output, indices): INT32 indices iy * input_w + ix of each output's first maximal input, as "
        "torch's max_pool2d(return_indices=True).");

    m.def(
        "max_pool2d_bw",
        [](const Tensor& grad_output, const Tensor& indices, std::uint32_t batch_size, std::uint32_t input_h,
           std::uint32_t input_w, std::uint32_t channels, nb::handle kernel_size, nb::handle stride, nb::handle pad,
           nb::handle dilation, bool ceil_mode, const OptMemory& memory_config, DataType dtype, Layout output_layout) {
            constexpr std::string_view op = "ttnn.max_pool2d_bw";
            const U2 k = pair(kernel_size, "kernel_size", op), s = pair(stride, "stride", op),
                     d = pair(dilation, "dilation", op);
            const auto p = padding(pad, op);
            nb::gil_scoped_release release;
            return ops::max_pool2d_bw(grad_output, indices, batch_size, input_h, input_w, channels, k, s, p, d,
                                      ceil_mode, memory_config, dtype, output_layout);
        },
        "grad_output"_a, "indices"_a, "batch_size"_a, "input_h"_a, "input_w"_a, "channels"_a, "kernel_size"_a,
        "stride"_a, "padding"_a, "dilation"_a, "ceil_mode"_a = false, nb::kw_only(), "memory_config"_a = nb::none(),
        "dtype"_a = DataType::BFLOAT16, "output_layout"_a = Layout::ROW_MAJOR,
        "Gradient of max_pool2d's input [1, 1, N*H*W, C]: grad_output [1, 1, N*Ho*Wo, C] added at the indices "
        "max_pool2d(return_indices=True) returned, as torch's max_pool2d_with_indices_backward.");

    m.def(
        "avg_pool2d_bw",
        [](const Tensor& grad_output, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
           std::uint32_t channels, nb::handle kernel_size, nb::handle stride, nb::handle pad, bool ceil_mode,
           bool count_include_pad, std::optional<std::int64_t> divisor_override, const OptMemory& memory_config,
           DataType dtype, Layout output_layout) {
            constexpr std::string_view op = "ttnn.avg_pool2d_bw";
            const U2 k = pair(kernel_size, "kernel_size", op), s = pair(stride, "stride", op);
            const auto p = padding(pad, op);
            nb::gil_scoped_release release;
            return ops::avg_pool2d_bw(grad_output, batch_size, input_h, input_w, channels, k, s, p, ceil_mode,
                                      count_include_pad, divisor_override, memory_config, dtype, output_layout);
        },
        "grad_output"_a, "batch_size"_a, "input_h"_a, "input_w"_a, "channels"_a, "kernel_size"_a, "stride"_a,
        "padding"_a, "ceil_mode"_a = false, "count_include_pad"_a = true, "divisor_override"_a = nb::none(),
        nb::kw_only(), "memory_config"_a = nb::none(), "dtype"_a = DataType::BFLOAT16,
        "output_layout"_a = Layout::ROW_MAJOR,
        "Gradient of avg_pool2d's input [1, 1, N*H*W, C] from grad_output [1, 1, N*Ho*Wo, C], as torch's "
        "avg_pool2d_backward.");

    m.def(
        "avg_pool2d",
        [](const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
           std::uint32_t channels, nb::handle kernel_size, nb::handle stride, nb::handle pad, bool ceil_mode,
           bool count_include_pad, std::optional<std::int64_t> divisor_override, const OptMemory& memory_config,
           nb::handle dram_slice_config, nb::handle applied_shard_scheme, nb::handle compute_kernel_config,
           bool deallocate_input, bool reallocate_halo_output, DataType dtype, Layout output_layout,
           bool config_tensor_in_dram) {
            constexpr std::string_view op = "ttnn.avg_pool2d";
            (void)dram_slice_config, (void)applied_shard_scheme, (void)compute_kernel_config,
                (void)reallocate_halo_output, (void)config_tensor_in_dram;
            const U2 k = pair(kernel_size, "kernel_size", op), s = pair(stride, "stride", op);
            const auto p = padding(pad, op);
            nb::gil_scoped_release release;
            return ops::avg_pool2d(input_tensor, batch_size, input_h, input_w, channels, k, s, p, ceil_mode,
                                   count_include_pad, divisor_override, memory_config, dtype, output_layout,
                                   deallocate_input);
        },
        "input_tensor"_a, "batch_size"_a, "input_h"_a, "input_w"_a, "channels"_a, "kernel_size"_a, "stride"_a,
        "padding"_a, "ceil_mode"_a = false, "count_include_pad"_a = true, "divisor_override"_a = nb::none(),
        nb::kw_only(), "memory_config"_a = nb::none(), "dram_slice_config"_a = nb::none(),
        "applied_shard_scheme"_a = nb::none(), "compute_kernel_config"_a = nb::none(), "deallocate_input"_a = false,
        "reallocate_halo_output"_a = true, "dtype"_a = DataType::BFLOAT16, "output_layout"_a = Layout::ROW_MAJOR,
        "config_tensor_in_dram"_a = false,
        "2-D average pooling of NHWC activations; ceil_mode, count_include_pad and divisor_override as torch. "
        "Returns [1, 1, N*Ho*Wo, C].");

    m.def(
        "global_avg_pool2d",
        [](const Tensor& input_tensor, const OptMemory& memory_config, std::optional<DataType> dtype) {
            nb::gil_scoped_release release;
            return ops::global_avg_pool2d(input_tensor, memory_config, dtype);
        },
        "input_tensor"_a, nb::kw_only(), "memory_config"_a = nb::none(), "dtype"_a = nb::none(),
        "Mean over H and W of NHWC activations: [N, H, W, C] -> [N, 1, 1, C].");

    auto bind_adaptive = [&](const char* name, auto fn, const char* doc) {
        m.def(
            name,
            [fn, name](const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h,
                       std::uint32_t input_w, std::uint32_t channels, nb::handle output_size,
                       const OptMemory& memory_config, nb::handle applied_shard_scheme, bool deallocate_input,
                       bool reallocate_halo_output, std::optional<DataType> dtype, Layout output_layout) {
                const std::string op = std::string("ttnn.") + name;
                (void)applied_shard_scheme, (void)reallocate_halo_output;
                const U2 o = pair(output_size, "output_size", op);
                nb::gil_scoped_release release;
                Tensor out = fn(input_tensor, batch_size, input_h, input_w, channels, o, memory_config, dtype,
                                output_layout);
                if (deallocate_input) Tensor(input_tensor).deallocate();
                return out;
            },
            "input_tensor"_a, "batch_size"_a, "input_h"_a, "input_w"_a, "channels"_a, "output_size"_a, nb::kw_only(),
            "memory_config"_a = nb::none(), "applied_shard_scheme"_a = nb::none(), "deallocate_input"_a = false,
            "reallocate_halo_output"_a = true, "dtype"_a = nb::none(), "output_layout"_a = Layout::ROW_MAJOR, doc);
    };
    bind_adaptive("adaptive_avg_pool2d", &ops::adaptive_avg_pool2d,
                  "Adaptive average pooling of NHWC activations to output_size (torch's windows); returns "
                  "[1, 1, N*Ho*Wo, C].");
    bind_adaptive("adaptive_max_pool2d", &ops::adaptive_max_pool2d,
                  "Adaptive max pooling of NHWC activations to output_size (torch's windows); returns "
                  "[1, 1, N*Ho*Wo, C].");

    m.def(
        "upsample",
        [](const Tensor& input_tensor, nb::handle scale_factor, const std::string& mode, const OptMemory& memory_config,
           nb::handle compute_kernel_config) {
            constexpr std::string_view op = "ttnn.upsample";
            (void)compute_kernel_config;
            auto v = numbers(scale_factor, "scale_factor", op);
            if (v.size() == 1) v.push_back(v[0]);
            if (v.size() != 2) {
                throw InvalidArgument(op, "scale_factor has " + std::to_string(v.size()) + " values, expected 1 or 2");
            }
            nb::gil_scoped_release release;
            return ops::upsample(input_tensor, {v[0], v[1]}, mode, memory_config);
        },
        "input_tensor"_a, "scale_factor"_a, nb::kw_only(), "mode"_a = "nearest", "memory_config"_a = nb::none(),
        "compute_kernel_config"_a = nb::none(),
        "Upsamples NHWC activations [N, H, W, C] by scale_factor (int, float or a pair for H and W): "
        "mode \"nearest\" or \"bilinear\" (align_corners=False), as torch's interpolate.");
}

const OpBinder binder("pool", &bind_pool);

}  // namespace

}  // namespace ttnn::python
