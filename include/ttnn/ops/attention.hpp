// scaled_dot_product_attention (ttnn.transformer.scaled_dot_product_attention) on the host.
//
// softmax(Q K^T * scale + mask) V over [b, nh, s, d] inputs; K/V may have fewer heads (grouped-query
// attention: query head h reads kv head h / (nh / nkv)). FAITHFUL mode runs both products through the
// matmul engine's emulation (math fidelity, bf16 destination when fp32_dest_acc_en is off) and keeps
// the scores and probabilities as bf16, as the device kernel's intermediate buffers do; the softmax
// itself is fp32 (the device's approximate exp and its chunked online softmax are not emulated).
// FAST mode is plain fp32.
#pragma once

#include <optional>

#include "ttnn/core/memory_config.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops {

// is_causal: query i attends to keys j <= i (torch's convention); it excludes attn_mask, an additive
// [b or 1, nh or 1, s_q, s_k] tensor. scale defaults to 1/sqrt(d). program_config is accepted for
// TT-NN compatibility and selects nothing on the host.
Tensor scaled_dot_product_attention(const Tensor& input_tensor_q, const Tensor& input_tensor_k,
                                    const Tensor& input_tensor_v, const std::optional<Tensor>& attn_mask = std::nullopt,
                                    bool is_causal = true, std::optional<float> scale = std::nullopt,
                                    const std::optional<MemoryConfig>& memory_config = std::nullopt,
                                    const std::optional<ComputeKernelConfig>& compute_kernel_config = std::nullopt);

}  // namespace ttnn::ops
