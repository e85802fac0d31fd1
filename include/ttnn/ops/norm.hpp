// Normalization ops (the `norm` rows of op_table.def): softmax, scale_mask_softmax, layer_norm,
// rms_norm, group_norm and batch_norm.
//
// Numerics: inputs are decoded exactly, statistics accumulate in float32 lanes (group_norm and
// batch_norm in double), exp is a float32 polynomial within 1 ulp, and outputs are rounded
// to the input's dtype. compute_kernel_config is accepted for TT-NN compatibility; the host always
// computes in float32 (as fp32_dest_acc_en=True, HiFi4).
//
// Weights and biases may be given in any of TT-NN's shapes whose values are one per channel in
// order: [C], [1, ..., 1, C], or TT-NN's row-major packing [..., C / 32, 32] (zero-padded past C).
#pragma once

#include <cstdint>
#include <optional>

#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops {

// exp(x - max) / sum along dim; numeric_stable=false skips the max (exp may overflow, as on TT-NN).
Tensor softmax(const Tensor& input, std::int64_t dim = -1,
               const std::optional<MemoryConfig>& memory_config = std::nullopt,
               const std::optional<ComputeKernelConfig>& compute_kernel_config = std::nullopt,
               bool numeric_stable = true);

// softmax(input * scale + mask) over the last dim. The mask broadcasts to the input (numpy rules);
// is_causal_mask says it is a full [..., H, W] mask (it must then cover the input's last two dims).
Tensor scale_mask_softmax(const Tensor& input, std::optional<float> scale = std::nullopt,
                          const std::optional<Tensor>& mask = std::nullopt,
                          const std::optional<MemoryConfig>& memory_config = std::nullopt, bool is_causal_mask = false,
                          const std::optional<ComputeKernelConfig>& compute_kernel_config = std::nullopt,
                          bool numeric_stable = true);

// (x - mean) / sqrt(var + epsilon) * weight + bias over the last dim, x = input + residual_input_tensor.
Tensor layer_norm(const Tensor& input, float epsilon = 1e-12f, const std::optional<Tensor>& weight = std::nullopt,
                  const std::optional<Tensor>& bias = std::nullopt,
                  const std::optional<Tensor>& residual_input_tensor = std::nullopt,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt,
                  const std::optional<ComputeKernelConfig>& compute_kernel_config = std::nullopt);

// x / sqrt(mean(x^2) + epsilon) * weight + bias over the last dim, x = input + residual_input_tensor.
Tensor rms_norm(const Tensor& input, float epsilon = 1e-12f, const std::optional<Tensor>& weight = std::nullopt,
                const std::optional<Tensor>& bias = std::nullopt,
                const std::optional<Tensor>& residual_input_tensor = std::nullopt,
                const std::optional<MemoryConfig>& memory_config = std::nullopt,
                const std::optional<ComputeKernelConfig>& compute_kernel_config = std::nullopt);

// TT-NN's channels-last group norm: input [N, 1, H*W, C] or [N, H, W, C] (any rank >= 3: dim 0 is
// the batch, the last dim the channels, the dims between spatial); statistics per (sample, group of
// C / num_groups consecutive channels). input_mask (TT-NN's kernel channel mask) is checked and
// changes nothing: the groups are exact. output_layout defaults to the input's.
Tensor group_norm(const Tensor& input, std::int64_t num_groups, float epsilon = 1e-12f,
                  const std::optional<Tensor>& input_mask = std::nullopt,
                  const std::optional<Tensor>& weight = std::nullopt, const std::optional<Tensor>& bias = std::nullopt,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt,
                  std::optional<Layout> output_layout = std::nullopt);

// Channels-first batch norm: input [N, C, ...], running stats / weight / bias with C values
// ([1, C, 1, 1] as TT-NN makes them). training=true normalizes with the batch statistics (biased
// variance) and, like torch, updates running_mean / running_var in place on their device buffers:
// r = (1 - momentum) * r + momentum * batch statistic (unbiased variance). training=false needs the
// running stats. With `output`, the result is written into it and it is returned.
Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& running_mean = std::nullopt,
                  const std::optional<Tensor>& running_var = std::nullopt, bool training = false, float eps = 1e-5f,
                  float momentum = 0.1f, const std::optional<Tensor>& weight = std::nullopt,
                  const std::optional<Tensor>& bias = std::nullopt, const std::optional<Tensor>& output = std::nullopt,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn::ops
