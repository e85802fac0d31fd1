// The convolution engine behind conv2d, conv_transpose2d and conv1d: a problem description, the
// numerics to apply, and one call that runs it on oneDNN with the device's thread count. Weights
// are prepared (rounded, masked, packed into oneDNN's blocked layout) once per weight buffer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ttnn/core/math_fidelity.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/conv.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops::conv_detail {

enum class Activation { NONE, RELU, RELU6, SILU, GELU, SIGMOID, TANH, HARDSWISH, MISH };
// "" / "relu" / ... (case-insensitive); InvalidArgument naming `op` for anything else.
Activation parse_activation(std::string_view name, std::string_view op);

// One 2-D (transposed) convolution on NHWC activations. Weights: OIHW [oc, ic/g, kh, kw] for a
// convolution, IOHW [ic, oc/g, kh, kw] for a transposed one (torch's layouts).
struct ConvProblem {
    bool transposed = false;
    std::int64_t n = 1, ih = 1, iw = 1, ic = 1, oc = 1, oh = 1, ow = 1;
    std::int64_t kh = 1, kw = 1, sh = 1, sw = 1, pt = 0, pb = 0, pl = 0, pr = 0, dh = 1, dw = 1;
    std::int64_t groups = 1;
    std::int64_t oph = 0, opw = 0;  // output padding (transposed)
    bool flip_kernel = false;       // transposed with a pre-mirrored kernel: mirror it back
    std::string key() const;
};

struct ConvNumerics {
    bool faithful = true;                   // NumericsMode::FAITHFUL
    MathFidelity fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc = true;              // fp32 operands keep TF32 (else bf16) in the registers
    bool input_is_fp32 = false;
    bool weight_is_fp32 = false;            // the weights' dtype once prepared
    std::optional<DataType> weights_dtype;  // faithful: round the weights to this dtype first
};

// The activations: a float32 ROW_MAJOR tensor's own memory, read only, or a working copy that
// the engine may modify in place (owned allocated, data pointing into it).
struct ActivationValues {
    const float* data = nullptr;
    F32Array owned;
};

// Called with each range of rows of the flattened [n*oh*ow, oc] output whose values are final,
// from the thread that finished them (every row exactly once).
using RowsDone = std::function<void(std::size_t row_begin, std::size_t row_end)>;

// Runs the problem on `input` (NHWC, n*ih*iw*ic floats) and writes the output values, the
// flattened [1, 1, n*oh*ow, oc], to `output`, reporting finished rows to `rows_done` if given. `pool` is the device's pool: the pieces of the
// convolution and the masking passes run on its threads. The packed weights are cached under the
// weight's buffer and, if given, under `weight_alias`'s (the prepared weights handed back to the
// caller, so that passing them in again skips the packing).
void run_conv(const ConvProblem& problem, ActivationValues& input, float* output, const Tensor& weight,
              const Tensor* weight_alias, const std::optional<Tensor>& bias, Activation activation,
              const ConvNumerics& numerics, ThreadPool& pool, std::string_view op,
              const RowsDone* rows_done = nullptr);

// A public op's call, validated and turned into a problem: the shared driver places host
// inputs, runs per device of a mesh, reads, computes and makes the output.
struct ConvCall {
    OpId id = OpId::conv2d;
    ConvProblem problem;
    Activation activation = Activation::NONE;
    ConvNumerics numerics;
    std::optional<DataType> dtype;  // output dtype (default: the input's)
    Layout output_layout = Layout::TILE;
    std::optional<MemoryConfig> memory_config;
    bool deallocate_activation = false;
    bool return_prepared = false;  // also hand back the weights (and bias) on the device
};
ConvResult run_conv_op(const ConvCall& call, const Tensor& input, const Tensor& weight,
                       const std::optional<Tensor>& bias, const std::optional<DeviceRef>& device);

// The numerics of a call: the mode, compute_config (by default TT-NN's for conv: HiFi4, fp32
// destination only for fp32 activations and weights), the weights dtype of conv_config.
ConvNumerics numerics_for(const Tensor& input, const Tensor& weight, const std::optional<Conv2dConfig>& conv_config,
                          const std::optional<ComputeKernelConfig>& compute_config);

// Checks shared by the ops, raising InvalidArgument naming `op`: groups divide the channels,
// kernel/stride/dilation positive, a floating-point weight (and bias) with the expected number of
// values, the output dtype/layout pair valid.
void check_conv_arguments(std::string_view op, std::uint32_t in_channels, std::uint32_t out_channels,
                          std::uint32_t groups, std::initializer_list<std::uint32_t> positive,
                          std::initializer_list<const char*> positive_names);
void check_weight(std::string_view op, const Tensor& weight, std::initializer_list<Shape> accepted);
void check_bias(std::string_view op, const std::optional<Tensor>& bias, std::uint32_t out_channels);
// The NHWC activation shapes TT-NN accepts: [N, H, W, C] or flattened [1, 1, N*H*W, C]; `what`
// names the arguments in the error ("batch_size=1, input_height=56, ...").
void check_nhwc_input(std::string_view op, const Tensor& input, std::int64_t n, std::int64_t h, std::int64_t w,
                      std::int64_t c, const std::string& what);

}  // namespace ttnn::ops::conv_detail
