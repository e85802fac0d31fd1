// Bindings of the norm family: ttnn.softmax, scale_mask_softmax, layer_norm, rms_norm, group_norm
// and batch_norm, with TT-NN's Python signatures. Arguments that only steer TT-NN's kernels
// (program_config, core_grid, inplace, num_out_blocks, compute_kernel_config) are accepted and
// change nothing on the host.
#include <nanobind/stl/optional.h>

#include "registry.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/norm.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

using MemoryConfigArg = std::optional<MemoryConfig>;
using KernelConfigArg = std::optional<ops::ComputeKernelConfig>;
using TensorArg = std::optional<Tensor>;

void bind_norm(nb::module_& m) {
    m.def("softmax", &ops::softmax, "input_tensor"_a, "dim"_a = -1, nb::kw_only(), "memory_config"_a = nb::none(),
          "compute_kernel_config"_a = nb::none(), "numeric_stable"_a = true,
          "Softmax along dim: exp(x - max) / sum (numeric_stable=False skips the max)");
    m.def("scale_mask_softmax", &ops::scale_mask_softmax, "input_tensor"_a, "scale"_a = nb::none(),
          "mask"_a = nb::none(), nb::kw_only(), "memory_config"_a = nb::none(), "is_causal_mask"_a = false,
          "compute_kernel_config"_a = nb::none(), "numeric_stable"_a = true,
          "softmax(input_tensor * scale + mask) over the last dim; the mask broadcasts");
    m.def(
        "layer_norm",
        [](const Tensor& input, double epsilon, const TensorArg& weight, const TensorArg& bias,
           const TensorArg& residual, const MemoryConfigArg& memory_config, nb::handle /*program_config*/,
           const KernelConfigArg& compute_kernel_config) {
            return ops::layer_norm(input, static_cast<float>(epsilon), weight, bias, residual, memory_config,
                                   compute_kernel_config);
        },
        "input_tensor"_a, nb::kw_only(), "epsilon"_a = 1e-12, "weight"_a = nb::none(), "bias"_a = nb::none(),
        "residual_input_tensor"_a = nb::none(), "memory_config"_a = nb::none(), "program_config"_a = nb::none(),
        "compute_kernel_config"_a = nb::none(),
        "Layer norm over the last dim of input_tensor (+ residual_input_tensor), then * weight + bias");
    m.def(
        "rms_norm",
        [](const Tensor& input, double epsilon, const TensorArg& weight, const TensorArg& bias,
           const TensorArg& residual, const MemoryConfigArg& memory_config, nb::handle /*program_config*/,
           const KernelConfigArg& compute_kernel_config) {
            return ops::rms_norm(input, static_cast<float>(epsilon), weight, bias, residual, memory_config,
                                 compute_kernel_config);
        },
        "input_tensor"_a, nb::kw_only(), "epsilon"_a = 1e-12, "weight"_a = nb::none(), "bias"_a = nb::none(),
        "residual_input_tensor"_a = nb::none(), "memory_config"_a = nb::none(), "program_config"_a = nb::none(),
        "compute_kernel_config"_a = nb::none(),
        "RMS norm over the last dim of input_tensor (+ residual_input_tensor), then * weight + bias");
    m.def(
        "group_norm",
        [](const Tensor& input, std::int64_t num_groups, double epsilon, const TensorArg& input_mask,
           const TensorArg& weight, const TensorArg& bias, const MemoryConfigArg& memory_config,
           nb::handle /*core_grid*/, bool /*inplace*/, std::optional<Layout> output_layout,
           std::optional<std::int64_t> /*num_out_blocks*/, const KernelConfigArg& /*compute_kernel_config*/) {
            return ops::group_norm(input, num_groups, static_cast<float>(epsilon), input_mask, weight, bias,
                                   memory_config, output_layout);
        },
        "input_tensor"_a, nb::kw_only(), "num_groups"_a, "epsilon"_a = 1e-12, "input_mask"_a = nb::none(),
        "weight"_a = nb::none(), "bias"_a = nb::none(), "memory_config"_a = nb::none(), "core_grid"_a = nb::none(),
        "inplace"_a = true, "output_layout"_a = nb::none(), "num_out_blocks"_a = nb::none(),
        "compute_kernel_config"_a = nb::none(),
        "Group norm of channels-last input [N, 1, H*W, C] or [N, H, W, C], groups of C / num_groups channels");
    m.def(
        "batch_norm",
        [](const Tensor& input, const TensorArg& running_mean, const TensorArg& running_var, bool training, double eps,
           double momentum, const TensorArg& weight, const TensorArg& bias, const TensorArg& output,
           const MemoryConfigArg& memory_config, const KernelConfigArg& /*compute_kernel_config*/) {
            return ops::batch_norm(input, running_mean, running_var, training, static_cast<float>(eps),
                                   static_cast<float>(momentum), weight, bias, output, memory_config);
        },
        "input"_a, nb::kw_only(), "running_mean"_a = nb::none(), "running_var"_a = nb::none(), "training"_a = false,
        "eps"_a = 1e-5, "momentum"_a = 0.1, "weight"_a = nb::none(), "bias"_a = nb::none(), "output"_a = nb::none(),
        "memory_config"_a = nb::none(), "compute_kernel_config"_a = nb::none(),
        "Batch norm of NCHW input; training=True uses batch statistics and updates running_mean / running_var "
        "in place");
}

const OpBinder binder("norm", &bind_norm);

}  // namespace

}  // namespace ttnn::python
