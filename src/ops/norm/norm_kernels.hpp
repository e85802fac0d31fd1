// Internals of the norm ops: the row kernels (softmax, sums, normalization; vectorized), per-channel
// parameter reading (weights, biases, running stats in TT-NN's shapes), running an op with
// optional tensor arguments per device of a mesh, and writing values into an existing tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "ops/reduction/f32_io.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/common.hpp"
#include "ttnn/ops/op_table.hpp"

namespace ttnn::ops::norm {

// The row kernels of the norm ops, compiled twice from row_kernels.inl: for the baseline ISA
// (4-lane vectors) and for AVX2 + FMA (8 lanes); row_kernels() picks one at run time.
// Outputs y may be the inputs x (in place), element for element.
struct RowKernels {
    // Softmax of one contiguous row: y = exp(x - max) (no max when !stable) / sum.
    void (*softmax_row)(const float* x, float* y, std::size_t n, bool stable);
    // Softmax down the columns of a block of w <= kSoftmaxBlock columns: x[r * stride + i], r < rows.
    void (*softmax_columns)(const float* x, float* y, std::size_t rows, std::size_t stride, std::size_t w, bool stable);
    // Sum of p[0..n), and of (p[i] - c)^2, in float32 lanes.
    float (*sum)(const float* p, std::size_t n);
    float (*sum_sq)(const float* p, std::size_t n, float c);
    // y[i] = (x[i] - mean) * rstd * gamma[i] + beta[i]; gamma / beta may be null (1 / 0).
    void (*normalize_row)(const float* x, float* y, std::size_t n, float mean, float rstd, const float* gamma,
                          const float* beta);
};
inline constexpr std::size_t kSoftmaxBlock = 256;
const RowKernels& row_kernels();
const RowKernels& generic_row_kernels();
const RowKernels& avx2_row_kernels();

// ---- norm_common.cpp ----

// C per-channel values of an optional parameter tensor (`fill` for each when absent). Accepted
// shapes: C values along one dim ([C], [1, C], [1, C, 1, 1]...), or TT-NN's row-major packing
// [1, ..., K, 32] with 32 K >= C (values past C ignored). InvalidArgument naming both shapes otherwise.
std::vector<float> channel_values(const std::optional<Tensor>& tensor, std::size_t channels, float fill, OpId id,
                                  std::string_view arg, const Shape& input_shape, std::string_view what);

// Runs f(input, optionals) per device when any of the tensors is a mesh tensor, else directly.
using WithOptionals = std::function<Tensor(const Tensor&, const std::vector<std::optional<Tensor>>&)>;
Tensor run_with_optionals(const Tensor& input, const std::vector<std::optional<Tensor>>& optionals,
                          const WithOptionals& f, std::string_view op);
bool any_mesh(const Tensor& input, const std::vector<std::optional<Tensor>>& optionals);

// Writes `values` (the logical shape of dst) into dst's own device buffer, rounded to its dtype and
// layout: TT-NN's in-place update of an existing tensor.
void write_into(const Tensor& dst, const F32Array& values, std::string_view op);

}  // namespace ttnn::ops::norm
