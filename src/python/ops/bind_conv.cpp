// Bindings of the conv family: ttnn.conv2d, ttnn.conv_transpose2d, ttnn.conv1d and
// ttnn.Conv2dConfig, with TT-NN's Python signatures (keyword-only arguments, tuple results).
#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>

#include <algorithm>
#include <cctype>

#include "registry.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/conv.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

using ops::Conv2dConfig;
using U2 = std::array<std::uint32_t, 2>;

// TT-NN's Conv2dSliceConfig: how the device slices a convolution too large for L1 through DRAM.
// The host needs no slicing; the config is accepted so that TT-NN code runs unchanged.
enum class SliceType { DRAMSliceHeight, DRAMSliceWidth, L1Full };
struct Conv2dSliceConfig {
    SliceType slice_type = SliceType::DRAMSliceHeight;
    std::uint32_t num_slices = 0;
};

std::uint32_t to_u32(nb::handle h, const char* name, std::string_view op) {
    if (!nb::isinstance<nb::int_>(h)) throw TypeMismatch(op, std::string(name) + " must be an int or a tuple of ints");
    const long long v = nb::cast<long long>(h);
    if (v < 0) throw InvalidArgument(op, std::string(name) + "=" + std::to_string(v) + " must not be negative");
    return static_cast<std::uint32_t>(v);
}

// An int or a sequence of `n` ints.
std::vector<std::uint32_t> ints(nb::handle h, std::initializer_list<std::size_t> sizes, const char* name,
                                std::string_view op) {
    if (nb::isinstance<nb::int_>(h)) return std::vector<std::uint32_t>(*sizes.begin(), to_u32(h, name, op));
    if (!nb::isinstance<nb::sequence>(h)) throw TypeMismatch(op, std::string(name) + " must be an int or a tuple of ints");
    std::vector<std::uint32_t> v;
    for (nb::handle item : nb::iter(h)) v.push_back(to_u32(item, name, op));
    if (std::find(sizes.begin(), sizes.end(), v.size()) == sizes.end()) {
        std::string allowed;
        for (auto s : sizes) allowed += (allowed.empty() ? "" : " or ") + std::to_string(s);
        throw InvalidArgument(op, std::string(name) + " has " + std::to_string(v.size()) + " values, expected " + allowed);
    }
    return v;
}

U2 pair(nb::handle h, const char* name, std::string_view op) {
    auto v = ints(h, {2}, name, op);
    return {v[0], v[1]};
}

ops::Padding2d padding2d(nb::handle h, std::string_view op) {
    auto v = ints(h, {2, 4}, "padding", op);
    if (v.size() == 2) return U2{v[0], v[1]};
    return std::array<std::uint32_t, 4>{v[0], v[1], v[2], v[3]};
}

std::optional<ops::DeviceRef> device_ref(nb::handle h, std::string_view op) {
    if (h.is_none()) return std::nullopt;
    if (nb::isinstance<Device>(h)) return ops::DeviceRef{nb::cast<std::shared_ptr<Device>>(h)};
    if (nb::isinstance<MeshDevice>(h)) return ops::DeviceRef{nb::cast<std::shared_ptr<MeshDevice>>(h)};
    throw TypeMismatch(op, "device must be a ttnn.Device or ttnn.MeshDevice");
}

// Conv2dConfig.activation: "" / None / "relu"..., or an object with an op_type (UnaryWithParam).
std::string activation_name(nb::handle h) {
    if (h.is_none()) return "";
    if (nb::isinstance<nb::str>(h)) return nb::cast<std::string>(h);
    nb::handle named = nb::hasattr(h, "op_type") ? nb::handle(h.attr("op_type")) : h;
    std::string s = nb::cast<std::string>(nb::str(named));
    const auto dot = s.rfind('.');
    if (dot != std::string::npos) s = s.substr(dot + 1);
    return s;
}

nb::object result_object(const ops::ConvResult& r, bool return_output_dim, bool return_weights_and_bias, bool is_1d) {
    nb::object out = nb::cast(r.output);
    nb::object dims = is_1d ? nb::object(nb::cast(r.output_height))
                            : nb::object(nb::make_tuple(r.output_height, r.output_width));
    nb::object wb = nb::make_tuple(r.prepared_weight ? nb::cast(*r.prepared_weight) : nb::none(),
                                   r.prepared_bias ? nb::cast(*r.prepared_bias) : nb::none());
    if (return_output_dim && return_weights_and_bias) return nb::make_tuple(out, dims, wb);
    if (return_output_dim) return nb::make_tuple(out, dims);
    if (return_weights_and_bias) return nb::make_tuple(out, wb);
    return out;
}

void bind_conv2d_config(nb::module_& m) {
    nb::class_<Conv2dConfig>(m, "Conv2dConfig",
                             "TT-NN's Conv2dConfig for conv1d, conv2d and conv_transpose2d. dtype, weights_dtype, "
                             "activation (fused), output_layout and deallocate_activation take effect; the sharding "
                             "and blocking fields of the hardware implementation are accepted and ignored.")
        .def("__init__",
             [](Conv2dConfig* c, std::optional<DataType> dtype, std::optional<DataType> weights_dtype,
                nb::object activation, bool deallocate_activation, bool reallocate_halo_output,
                bool config_tensors_in_dram, std::uint32_t act_block_h_override, std::uint32_t act_block_w_div,
                bool reshard_if_not_optimal, bool override_sharding_config,
                std::optional<TensorMemoryLayout> shard_layout, std::optional<CoreRangeSet> core_grid,
                bool transpose_shards, Layout output_layout, bool enable_act_double_buffer,
                bool enable_weights_double_buffer, bool enable_split_reader, bool enable_subblock_padding,
                bool full_inner_dim, std::optional<bool> enable_kernel_stride_folding, bool enable_activation_reuse,
                std::optional<bool> force_split_reader, bool override_output_sharding_config,
                std::uint32_t input_channels_alignment, nb::object math_fidelity, nb::object fp32_dest_acc_enabled,
                nb::object math_approx_mode_enabled, nb::object packer_l1_accum_enabled) {
                 new (c) Conv2dConfig{};
                 c->dtype = dtype;
                 c->weights_dtype = weights_dtype;
                 c->activation = activation_name(activation);
                 c->deallocate_activation = deallocate_activation;
                 c->reallocate_halo_output = reallocate_halo_output;
                 c->config_tensors_in_dram = config_tensors_in_dram;
                 c->act_block_h_override = act_block_h_override;
                 c->act_block_w_div = act_block_w_div;
                 c->reshard_if_not_optimal = reshard_if_not_optimal;
                 c->override_sharding_config = override_sharding_config;
                 c->shard_layout = shard_layout;
                 c->core_grid = std::move(core_grid);
                 c->transpose_shards = transpose_shards;
                 c->output_layout = output_layout;
                 c->enable_act_double_buffer = enable_act_double_buffer;
                 c->enable_weights_double_buffer = enable_weights_double_buffer;
                 c->enable_split_reader = enable_split_reader;
                 c->enable_subblock_padding = enable_subblock_padding;
                 c->full_inner_dim = full_inner_dim;
                 c->enable_kernel_stride_folding = enable_kernel_stride_folding;
                 c->enable_activation_reuse = enable_activation_reuse;
                 c->force_split_reader = force_split_reader;
                 c->override_output_sharding_config = override_output_sharding_config;
                 c->input_channels_alignment = input_channels_alignment;
                 // Older TT-NN releases carried the compute settings here; compute_config now does.
                 (void)math_fidelity, (void)fp32_dest_acc_enabled, (void)math_approx_mode_enabled,
                     (void)packer_l1_accum_enabled;
             },
             nb::kw_only(), "dtype"_a = nb::none(), "weights_dtype"_a = nb::none(), "activation"_a = nb::none(),
             "deallocate_activation"_a = false, "reallocate_halo_output"_a = true, "config_tensors_in_dram"_a = false,
             "act_block_h_override"_a = 0, "act_block_w_div"_a = 1, "reshard_if_not_optimal"_a = false,
             "override_sharding_config"_a = false, "shard_layout"_a = nb::none(), "core_grid"_a = nb::none(),
             "transpose_shards"_a = false, "output_layout"_a = Layout::TILE, "enable_act_double_buffer"_a = false,
             "enable_weights_double_buffer"_a = false, "enable_split_reader"_a = false,
             "enable_subblock_padding"_a = false, "full_inner_dim"_a = false,
             "enable_kernel_stride_folding"_a = nb::none(), "enable_activation_reuse"_a = false,
             "force_split_reader"_a = nb::none(), "override_output_sharding_config"_a = false,
             "input_channels_alignment"_a = 32, "math_fidelity"_a = nb::none(), "fp32_dest_acc_enabled"_a = nb::none(),
             "math_approx_mode_enabled"_a = nb::none(), "packer_l1_accum_enabled"_a = nb::none())
        .def_rw("dtype", &Conv2dConfig::dtype, nb::arg().none())
        .def_rw("weights_dtype", &Conv2dConfig::weights_dtype, nb::arg().none())
        .def_prop_rw(
            "activation", [](const Conv2dConfig& c) { return c.activation; },
            [](Conv2dConfig& c, nb::object a) { c.activation = activation_name(a); }, nb::arg().none())
        .def_rw("deallocate_activation", &Conv2dConfig::deallocate_activation)
        .def_rw("reallocate_halo_output", &Conv2dConfig::reallocate_halo_output)
        .def_rw("config_tensors_in_dram", &Conv2dConfig::config_tensors_in_dram)
        .def_rw("act_block_h_override", &Conv2dConfig::act_block_h_override)
        .def_rw("act_block_w_div", &Conv2dConfig::act_block_w_div)
        .def_rw("reshard_if_not_optimal", &Conv2dConfig::reshard_if_not_optimal)
        .def_rw("override_sharding_config", &Conv2dConfig::override_sharding_config)
        .def_rw("shard_layout", &Conv2dConfig::shard_layout, nb::arg().none())
        .def_rw("core_grid", &Conv2dConfig::core_grid, nb::arg().none())
        .def_rw("transpose_shards", &Conv2dConfig::transpose_shards)
        .def_rw("output_layout", &Conv2dConfig::output_layout)
        .def_rw("enable_act_double_buffer", &Conv2dConfig::enable_act_double_buffer)
        .def_rw("enable_weights_double_buffer", &Conv2dConfig::enable_weights_double_buffer)
        .def_rw("enable_split_reader", &Conv2dConfig::enable_split_reader)
        .def_rw("enable_subblock_padding", &Conv2dConfig::enable_subblock_padding)
        .def_rw("full_inner_dim", &Conv2dConfig::full_inner_dim)
        .def_rw("enable_kernel_stride_folding", &Conv2dConfig::enable_kernel_stride_folding, nb::arg().none())
        .def_rw("enable_activation_reuse", &Conv2dConfig::enable_activation_reuse)
        .def_rw("force_split_reader", &Conv2dConfig::force_split_reader, nb::arg().none())
        .def_rw("override_output_sharding_config", &Conv2dConfig::override_output_sharding_config)
        .def_rw("input_channels_alignment", &Conv2dConfig::input_channels_alignment)
        .def("__repr__", [](const Conv2dConfig& c) {
            return "Conv2dConfig(dtype=" + (c.dtype ? std::string(to_string(*c.dtype)) : std::string("None")) +
                   ", weights_dtype=" +
                   (c.weights_dtype ? std::string(to_string(*c.weights_dtype)) : std::string("None")) +
                   ", activation=\"" + c.activation + "\", output_layout=" + std::string(to_string(c.output_layout)) +
                   ", deallocate_activation=" + (c.deallocate_activation ? "True" : "False") + ")";
        });
}

using OptTensor = std::optional<Tensor>;
using OptConfig = std::optional<Conv2dConfig>;
using OptCompute = std::optional<ops::ComputeKernelConfig>;
using OptMemory = std::optional<MemoryConfig>;
using OptDtype = std::optional<DataType>;

void bind_conv(nb::module_& m) {
    bind_conv2d_config(m);

    nb::enum_<SliceType>(m, "Conv2dSliceType")
        .value("DRAMSliceHeight", SliceType::DRAMSliceHeight)
        .value("DRAMSliceWidth", SliceType::DRAMSliceWidth)
        .value("L1Full", SliceType::L1Full);
    m.attr("Conv2dDRAMSliceHeight") = SliceType::DRAMSliceHeight;
    m.attr("Conv2dDRAMSliceWidth") = SliceType::DRAMSliceWidth;
    m.attr("Conv2dL1Full") = SliceType::L1Full;
    nb::class_<Conv2dSliceConfig>(m, "Conv2dSliceConfig",
                                  "TT-NN's DRAM slicing of a large convolution; accepted and not needed on the host.")
        .def(nb::init<SliceType, std::uint32_t>(), nb::kw_only(), "slice_type"_a = SliceType::DRAMSliceHeight,
             "num_slices"_a = 0)
        .def_rw("slice_type", &Conv2dSliceConfig::slice_type)
        .def_rw("num_slices", &Conv2dSliceConfig::num_slices);

    m.def(
        "conv2d",
        [](const Tensor& input_tensor, const Tensor& weight_tensor, nb::handle device, std::uint32_t in_channels,
           std::uint32_t out_channels, std::uint32_t batch_size, std::uint32_t input_height, std::uint32_t input_width,
           nb::handle kernel_size, nb::handle stride, nb::handle padding, nb::handle dilation, std::uint32_t groups,
           OptDtype dtype, const OptTensor& bias_tensor, const OptConfig& conv_config, const OptCompute& compute_config,
           const OptMemory& memory_config, nb::handle slice_config, bool return_output_dim,
           bool return_weights_and_bias) {
            constexpr std::string_view op = "ttnn.conv2d";
            (void)slice_config;  // DRAM slicing bounds device memory; the host needs none
            const auto dev = device_ref(device, op);
            const U2 k = pair(kernel_size, "kernel_size", op), s = pair(stride, "stride", op),
                     d = pair(dilation, "dilation", op);
            const ops::Padding2d p = padding2d(padding, op);
            ops::ConvResult r;
            {
                nb::gil_scoped_release release;
                r = ops::conv2d(input_tensor, weight_tensor, dev, in_channels, out_channels, batch_size, input_height,
                                input_width, k, s, p, d, groups, bias_tensor, conv_config, compute_config,
                                memory_config, dtype, return_weights_and_bias);
            }
            return result_object(r, return_output_dim, return_weights_and_bias, false);
        },
        nb::kw_only(), "input_tensor"_a, "weight_tensor"_a, "device"_a.none(), "in_channels"_a, "out_channels"_a,
        "batch_size"_a, "input_height"_a, "input_width"_a, "kernel_size"_a, "stride"_a = nb::make_tuple(1, 1),
        "padding"_a = nb::make_tuple(0, 0), "dilation"_a = nb::make_tuple(1, 1), "groups"_a = 1,
        "dtype"_a = nb::none(), "bias_tensor"_a = nb::none(), "conv_config"_a = nb::none(),
        "compute_config"_a = nb::none(), "memory_config"_a = nb::none(), "slice_config"_a = nb::none(),
        "return_output_dim"_a = false, "return_weights_and_bias"_a = false,
        "2-D convolution of NHWC activations ([N, H, W, C] or [1, 1, N*H*W, C]) with OIHW weights "
        "[out, in/groups, kh, kw] (host or device) and an optional bias [1, 1, 1, out]. Returns the flattened "
        "NHWC output [1, 1, N*Ho*Wo, out]; with return_output_dim also (Ho, Wo), with return_weights_and_bias "
        "also (weight, bias) on the device (pass them back to skip weight preparation). padding is "
        "(pad_h, pad_w) or (top, bottom, left, right). conv_config.activation is fused; compute_config's "
        "math fidelity applies in FAITHFUL numerics mode.");

    m.def(
        "conv_transpose2d",
        [](const Tensor& input_tensor, const Tensor& weight_tensor, nb::handle device, std::uint32_t in_channels,
           std::uint32_t out_channels, std::uint32_t batch_size, std::uint32_t input_height, std::uint32_t input_width,
           nb::handle kernel_size, nb::handle stride, nb::handle padding, nb::handle output_padding,
           nb::handle dilation, std::uint32_t groups, OptDtype dtype, const OptTensor& bias_tensor,
           const OptConfig& conv_config, const OptCompute& compute_config, const OptMemory& memory_config,
           nb::handle dram_slice_config, bool mirror_kernel, bool return_output_dim, bool return_weights_and_bias) {
            constexpr std::string_view op = "ttnn.conv_transpose2d";
            (void)dram_slice_config;
            const auto dev = device_ref(device, op);
            const U2 k = pair(kernel_size, "kernel_size", op), s = pair(stride, "stride", op),
                     d = pair(dilation, "dilation", op), op2 = pair(output_padding, "output_padding", op);
            const ops::Padding2d p = padding2d(padding, op);
            ops::ConvResult r;
            {
                nb::gil_scoped_release release;
                r = ops::conv_transpose2d(input_tensor, weight_tensor, dev, in_channels, out_channels, batch_size,
                                          input_height, input_width, k, s, p, op2, d, groups, bias_tensor, conv_config,
                                          compute_config, memory_config, dtype, mirror_kernel,
                                          return_weights_and_bias);
            }
            return result_object(r, return_output_dim, return_weights_and_bias, false);
        },
        nb::kw_only(), "input_tensor"_a, "weight_tensor"_a, "device"_a.none(), "in_channels"_a, "out_channels"_a,
        "batch_size"_a, "input_height"_a, "input_width"_a, "kernel_size"_a, "stride"_a = nb::make_tuple(1, 1),
        "padding"_a = nb::make_tuple(0, 0), "output_padding"_a = nb::make_tuple(0, 0),
        "dilation"_a = nb::make_tuple(1, 1), "groups"_a = 1, "dtype"_a = nb::none(), "bias_tensor"_a = nb::none(),
        "conv_config"_a = nb::none(), "compute_config"_a = nb::none(), "memory_config"_a = nb::none(),
        "dram_slice_config"_a = nb::none(), "mirror_kernel"_a = true, "return_output_dim"_a = false,
        "return_weights_and_bias"_a = false,
        "2-D transposed convolution of NHWC activations with weights [in, out/groups, kh, kw] (torch's layout); "
        "H_out = (H - 1) * stride - pad_top - pad_bottom + dilation * (kh - 1) + output_padding + 1. "
        "mirror_kernel=False: the kernel is already mirrored. Output [1, 1, N*Ho*Wo, out].");

    m.def(
        "conv1d",
        [](const Tensor& input_tensor, const Tensor& weight_tensor, nb::handle device, std::uint32_t in_channels,
           std::uint32_t out_channels, std::uint32_t batch_size, std::uint32_t input_length, std::uint32_t kernel_size,
           std::uint32_t stride, nb::handle padding, std::uint32_t dilation, std::uint32_t groups, OptDtype dtype,
           const OptTensor& bias_tensor, const OptConfig& conv_config, const OptCompute& compute_config,
           const OptMemory& memory_config, bool return_output_dim, bool return_weights_and_bias) {
            constexpr std::string_view op = "ttnn.conv1d";
            const auto dev = device_ref(device, op);
            auto pv = ints(padding, {1, 2}, "padding", op);
            const ops::Padding1d p = nb::isinstance<nb::int_>(padding) || pv.size() == 1
                                         ? ops::Padding1d{pv[0]}
                                         : ops::Padding1d{U2{pv[0], pv[1]}};
            ops::ConvResult r;
            {
                nb::gil_scoped_release release;
                r = ops::conv1d(input_tensor, weight_tensor, dev, in_channels, out_channels, batch_size, input_length,
                                kernel_size, stride, p, dilation, groups, bias_tensor, conv_config, compute_config,
                                memory_config, dtype, return_weights_and_bias);
            }
            return result_object(r, return_output_dim, return_weights_and_bias, true);
        },
        nb::kw_only(), "input_tensor"_a, "weight_tensor"_a, "device"_a.none(), "in_channels"_a, "out_channels"_a,
        "batch_size"_a, "input_length"_a, "kernel_size"_a, "stride"_a = 1, "padding"_a = 0, "dilation"_a = 1,
        "groups"_a = 1, "dtype"_a = nb::none(), "bias_tensor"_a = nb::none(), "conv_config"_a = nb::none(),
        "compute_config"_a = nb::none(), "memory_config"_a = nb::none(), "return_output_dim"_a = false,
        "return_weights_and_bias"_a = false,
        "1-D convolution of [N, L, C] activations (or [1, 1, N*L, C]) with weights [out, in/groups, k]; "
        "padding is pad_length or (left, right). Output [1, 1, N*L_out, out]; with return_output_dim also L_out.");

    // Introspection for tests and benchmarks (not part of TT-NN: underscore names stay out of ttnn.*).
    m.def("_conv_backend_info", [] {
        const ops::ConvBackendInfo info = ops::conv_backend_info();
        nb::dict d;
        d["library"] = info.library;
        d["cpu_runtime"] = info.cpu_runtime;
        d["isa"] = info.isa;
        d["library_path"] = info.library_path;
        d["openmp_path"] = info.openmp_path;
        d["cached_weight_bytes"] = info.cached_weight_bytes;
        d["cached_weight_entries"] = info.cached_weight_entries;
        return d;
    });
    m.def("_clear_conv_weight_cache", &ops::clear_conv_weight_cache);
    m.def(
        "_measure_fma_peak_gflops",
        [](std::size_t threads, double seconds, bool avx512) {
            nb::gil_scoped_release release;
            return ops::widest_fma_peak_gflops(threads, seconds, avx512);
        },
        "threads"_a, "seconds"_a = 0.2, "avx512"_a = true);
}

const OpBinder binder("conv", &bind_conv);

}  // namespace

}  // namespace ttnn::python
