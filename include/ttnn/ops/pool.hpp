// Pooling and upsampling on NHWC activations, with TT-NN's parameters: ttnn.max_pool2d,
// avg_pool2d, global_avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d and upsample.
// The windowed pools take [N, H, W, C] or TT-NN's flattened [1, 1, N*H*W, C] and return the
// flattened [1, 1, N*Ho*Wo, C]. Kernels are hand-written, vectorized over C (src/ops/pool/).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "ttnn/core/tensor.hpp"

namespace ttnn::ops {

// (pad_h, pad_w) or (top, bottom, left, right).
using PoolPadding = std::variant<std::array<std::uint32_t, 2>, std::array<std::uint32_t, 4>>;

// dtype: the output's (TT-NN's default is BFLOAT16); output_layout: ROW_MAJOR by default as in
// TT-NN. deallocate_input frees the input afterwards.
Tensor max_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
                  std::uint32_t channels, std::array<std::uint32_t, 2> kernel_size, std::array<std::uint32_t, 2> stride,
                  PoolPadding padding, std::array<std::uint32_t, 2> dilation, bool ceil_mode = false,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt,
                  DataType dtype = DataType::BFLOAT16, Layout output_layout = Layout::ROW_MAJOR,
                  bool deallocate_input = false);

// max_pool2d with TT-NN's return_indices=True: also the INT32 index (iy * input_w + ix within the
// image) of each output's first maximal input in row-major window order, [1, 1, N*Ho*Wo, C]
// ROW_MAJOR, as torch's max_pool2d_with_indices.
struct MaxPoolWithIndices {
    Tensor output;
    Tensor indices;
};
MaxPoolWithIndices max_pool2d_with_indices(
    const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
    std::uint32_t channels, std::array<std::uint32_t, 2> kernel_size, std::array<std::uint32_t, 2> stride,
    PoolPadding padding, std::array<std::uint32_t, 2> dilation, bool ceil_mode = false,
    const std::optional<MemoryConfig>& memory_config = std::nullopt, DataType dtype = DataType::BFLOAT16,
    Layout output_layout = Layout::ROW_MAJOR);

// The backward passes (TT-NN's `_bw` naming): the gradient of the pool's input, [1, 1, N*H*W, C],
// from grad_output [1, 1, N*Ho*Wo, C] and the forward's geometry. max_pool2d_bw adds each output's
// gradient at its index (from max_pool2d_with_indices), as torch's max_pool2d_with_indices_backward;
// avg_pool2d_bw spreads it over the window divided by the forward's divisor, as torch's
// avg_pool2d_backward.
Tensor max_pool2d_bw(const Tensor& grad_output, const Tensor& indices, std::uint32_t batch_size,
                     std::uint32_t input_h, std::uint32_t input_w, std::uint32_t channels,
                     std::array<std::uint32_t, 2> kernel_size, std::array<std::uint32_t, 2> stride, PoolPadding padding,
                     std::array<std::uint32_t, 2> dilation, bool ceil_mode = false,
                     const std::optional<MemoryConfig>& memory_config = std::nullopt,
                     DataType dtype = DataType::BFLOAT16, Layout output_layout = Layout::ROW_MAJOR);
Tensor avg_pool2d_bw(const Tensor& grad_output, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
                     std::uint32_t channels, std::array<std::uint32_t, 2> kernel_size,
                     std::array<std::uint32_t, 2> stride, PoolPadding padding, bool ceil_mode = false,
                     bool count_include_pad = true, std::optional<std::int64_t> divisor_override = std::nullopt,
                     const std::optional<MemoryConfig>& memory_config = std::nullopt,
                     DataType dtype = DataType::BFLOAT16, Layout output_layout = Layout::ROW_MAJOR);

// count_include_pad and divisor_override as torch's avg_pool2d.
Tensor avg_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h, std::uint32_t input_w,
                  std::uint32_t channels, std::array<std::uint32_t, 2> kernel_size, std::array<std::uint32_t, 2> stride,
                  PoolPadding padding, bool ceil_mode = false, bool count_include_pad = true,
                  std::optional<std::int64_t> divisor_override = std::nullopt,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt,
                  DataType dtype = DataType::BFLOAT16, Layout output_layout = Layout::ROW_MAJOR,
                  bool deallocate_input = false);

// [N, H, W, C] -> [N, 1, 1, C]; dtype defaults to the input's.
Tensor global_avg_pool2d(const Tensor& input_tensor, const std::optional<MemoryConfig>& memory_config = std::nullopt,
                         std::optional<DataType> dtype = std::nullopt);

// Windows as torch's adaptive pools: [floor(i*in/out), ceil((i+1)*in/out)).
Tensor adaptive_avg_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h,
                           std::uint32_t input_w, std::uint32_t channels, std::array<std::uint32_t, 2> output_size,
                           const std::optional<MemoryConfig>& memory_config = std::nullopt,
                           std::optional<DataType> dtype = std::nullopt, Layout output_layout = Layout::ROW_MAJOR);
Tensor adaptive_max_pool2d(const Tensor& input_tensor, std::uint32_t batch_size, std::uint32_t input_h,
                           std::uint32_t input_w, std::uint32_t channels, std::array<std::uint32_t, 2> output_size,
                           const std::optional<MemoryConfig>& memory_config = std::nullopt,
                           std::optional<DataType> dtype = std::nullopt, Layout output_layout = Layout::ROW_MAJOR);

// [N, H, W, C] -> [N, floor(H*sh), floor(W*sw), C]; mode "nearest" or "bilinear" (torch's
// interpolate with align_corners=False and the same scale factors).
Tensor upsample(const Tensor& input_tensor, std::array<double, 2> scale_factor, const std::string& mode = "nearest",
                const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn::ops
