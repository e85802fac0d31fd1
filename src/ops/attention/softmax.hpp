// Row softmax of attention scores (internal to scaled_dot_product_attention).
#pragma once

#include <cstddef>

namespace ttnn::ops::attention {

struct SoftmaxRows {
    float* s = nullptr;            // rows x n scores, row stride ld; overwritten with probabilities
    std::size_t rows = 0, n = 0, ld = 0;
    float scale = 1.0f;
    const float* mask = nullptr;   // additive, row stride mask_ld, or null
    std::size_t mask_ld = 0;
    bool causal = false;           // row i (query first_row + i) keeps keys j <= first_row + i
    std::size_t first_row = 0;
    bool round_bf16 = false;       // scores and probabilities held as bf16 (faithful mode)
};

// p = softmax(s * scale + mask) per row; masked-out keys get p = 0.
void softmax_rows(const SoftmaxRows& job);
void softmax_rows_avx2(const SoftmaxRows& job);

}  // namespace ttnn::ops::attention
