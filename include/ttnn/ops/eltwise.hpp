// Elementwise ops: the unary, binary and ternary rows of the op table, with TT-NN's parameters.
// Float dtypes compute in float32 and round to the output dtype; integer dtypes compute exactly
// in 64 bits and wrap into the output dtype. Binary and ternary operands broadcast as numpy does;
// any operand but the first tensor may be a Python scalar.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "ttnn/core/tensor.hpp"

namespace ttnn::ops {

// A scalar operand: integers stay exact (int32 beyond 2^24), floats are float32 in the kernels.
using Scalar = std::variant<std::int64_t, double>;
// A binary/ternary operand: a tensor or a scalar.
using Operand = std::variant<Tensor, std::int64_t, double>;

// TT-NN's UnaryWithParam, for the fused `activations` of binary ops: an op name ("relu",
// "leaky_relu"...) and its parameters.
struct UnaryWithParam {
    std::string op;
    std::vector<float> params;
};

using OptMemoryConfig = std::optional<MemoryConfig>;

// ---- unary ----------------------------------------------------------------------------------
#define TTNN_ELTWISE_PLAIN_UNARY(X) \
    X(exp2) X(expm1) X(log2) X(log10) X(log1p) X(square) X(reciprocal) X(relu) X(relu6) X(silu) X(tanh) \
    X(hardswish) X(hardsigmoid) X(mish) X(softsign) X(floor) X(ceil) X(trunc) X(sin) X(cos) X(tan) X(asin) \
    X(acos) X(atan) X(sinh) X(cosh) X(isnan) X(isinf) X(isfinite) X(abs) X(neg) X(sign) X(logical_not)
// Ops with TT-NN's fast_and_approximate_mode flag (only gelu changes: tanh approximation).
#define TTNN_ELTWISE_FAST_UNARY(X) X(exp) X(log) X(sqrt) X(rsqrt) X(sigmoid) X(erf) X(erfc) X(gelu)

#define TTNN_DECLARE_PLAIN(name) Tensor name(const Tensor& input_tensor, const OptMemoryConfig& memory_config = {});
#define TTNN_DECLARE_FAST(name)                                                    \
    Tensor name(const Tensor& input_tensor, bool fast_and_approximate_mode = false, \
                const OptMemoryConfig& memory_config = {});
TTNN_ELTWISE_PLAIN_UNARY(TTNN_DECLARE_PLAIN)
TTNN_ELTWISE_FAST_UNARY(TTNN_DECLARE_FAST)
#undef TTNN_DECLARE_PLAIN
#undef TTNN_DECLARE_FAST

Tensor hardtanh(const Tensor& input_tensor, float min_val = -1.0f, float max_val = 1.0f,
                const OptMemoryConfig& memory_config = {});
Tensor leaky_relu(const Tensor& input_tensor, float negative_slope = 0.01f, const OptMemoryConfig& memory_config = {});
Tensor elu(const Tensor& input_tensor, float alpha = 1.0f, const OptMemoryConfig& memory_config = {});
Tensor selu(const Tensor& input_tensor, float scale = 1.0507009873554804934f, float alpha = 1.6732632423543772848f,
            const OptMemoryConfig& memory_config = {});
Tensor celu(const Tensor& input_tensor, float alpha = 1.0f, const OptMemoryConfig& memory_config = {});
Tensor softplus(const Tensor& input_tensor, float beta = 1.0f, float threshold = 20.0f,
                const OptMemoryConfig& memory_config = {});
Tensor round(const Tensor& input_tensor, std::int64_t decimals = 0, const OptMemoryConfig& memory_config = {});
// min/max: scalars or tensors (broadcast against the input); at least one of them.
Tensor clamp(const Tensor& input_tensor, const std::optional<Operand>& min, const std::optional<Operand>& max,
             const OptMemoryConfig& memory_config = {});
Tensor clip(const Tensor& input_tensor, const std::optional<Operand>& min, const std::optional<Operand>& max,
            const OptMemoryConfig& memory_config = {});

// ---- binary ---------------------------------------------------------------------------------
#define TTNN_ELTWISE_BINARY(X)                                                                                 \
    X(add) X(subtract) X(multiply) X(divide) X(maximum) X(minimum) X(pow) X(remainder) X(fmod) X(atan2) \
    X(squared_difference) X(eq) X(ne) X(lt) X(le) X(gt) X(ge) X(logical_and) X(logical_or) X(logical_xor)

// dtype: the output dtype (default: the first tensor operand's; FLOAT32 for the true division of
// two integer operands). activations: unary ops applied to the result before it is rounded.
#define TTNN_DECLARE_BINARY(name)                                                                      \
    Tensor name(const Operand& input_tensor_a, const Operand& input_tensor_b,                          \
                std::optional<DataType> dtype = std::nullopt, const OptMemoryConfig& memory_config = {}, \
                const std::vector<UnaryWithParam>& activations = {});
TTNN_ELTWISE_BINARY(TTNN_DECLARE_BINARY)
#undef TTNN_DECLARE_BINARY

// ---- ternary --------------------------------------------------------------------------------
// condition ? true_value : false_value, the three broadcast together.
Tensor where(const Tensor& condition, const Operand& true_value, const Operand& false_value,
             const OptMemoryConfig& memory_config = {});

}  // namespace ttnn::ops
