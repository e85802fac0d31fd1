// Convolutions: ttnn.conv2d, ttnn.conv_transpose2d and ttnn.conv1d with TT-NN's parameters.
// Activations are NHWC ([N, H, W, C] or TT-NN's flattened [1, 1, N*H*W, C]); outputs are the
// flattened [1, 1, N*Ho*Wo, C_out]. Kernels run on oneDNN (src/ops/conv/), on the threads of the
// input's device; weights are packed once per weight buffer and kept in a cache.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops {

// TT-NN's Conv2dConfig. Only the fields that change results are used (dtype, weights_dtype,
// activation, output_layout, deallocate_activation); the sharding and blocking knobs of the
// hardware implementation are accepted and ignored.
struct Conv2dConfig {
    std::optional<DataType> dtype;          // output dtype (older TT-NN releases put it here)
    std::optional<DataType> weights_dtype;  // dtype the prepared weights are rounded to
    std::string activation;                 // fused: "", "relu", "relu6", "silu", "gelu", "sigmoid", "tanh", "hardswish", "mish"
    bool deallocate_activation = false;
    bool reallocate_halo_output = true;
    bool config_tensors_in_dram = false;
    std::uint32_t act_block_h_override = 0;
    std::uint32_t act_block_w_div = 1;
    bool reshard_if_not_optimal = false;
    bool override_sharding_config = false;
    std::optional<TensorMemoryLayout> shard_layout;
    std::optional<CoreRangeSet> core_grid;
    bool transpose_shards = false;
    Layout output_layout = Layout::TILE;
    bool enable_act_double_buffer = false;
    bool enable_weights_double_buffer = false;
    bool enable_split_reader = false;
    bool enable_subblock_padding = false;
    bool full_inner_dim = false;
    std::optional<bool> enable_kernel_stride_folding;
    bool enable_activation_reuse = false;
    std::optional<bool> force_split_reader;
    bool override_output_sharding_config = false;
    std::uint32_t input_channels_alignment = 32;
};

// Padding as TT-NN takes it: (pad_h, pad_w) or (top, bottom, left, right).
using Padding2d = std::variant<std::array<std::uint32_t, 2>, std::array<std::uint32_t, 4>>;

struct ConvResult {
    Tensor output;                       // [1, 1, N*Ho*Wo, C_out]
    std::uint32_t output_height = 0;     // conv1d: the output length
    std::uint32_t output_width = 0;
    // With return_weights_and_bias: the weights (and bias) on the device. Their packed form is
    // cached under their buffer, so passing them back in skips the packing.
    std::optional<Tensor> prepared_weight;
    std::optional<Tensor> prepared_bias;
};

// `device` places host inputs (a Device or a MeshDevice); device inputs stay where they are.
using DeviceRef = std::variant<std::shared_ptr<Device>, std::shared_ptr<MeshDevice>>;

ConvResult conv2d(const Tensor& input_tensor, const Tensor& weight_tensor, const std::optional<DeviceRef>& device,
                  std::uint32_t in_channels, std::uint32_t out_channels, std::uint32_t batch_size,
                  std::uint32_t input_height, std::uint32_t input_width, std::array<std::uint32_t, 2> kernel_size,
                  std::array<std::uint32_t, 2> stride = {1, 1}, Padding2d padding = std::array<std::uint32_t, 2>{0, 0},
                  std::array<std::uint32_t, 2> dilation = {1, 1}, std::uint32_t groups = 1,
                  const std::optional<Tensor>& bias_tensor = std::nullopt,
                  const std::optional<Conv2dConfig>& conv_config = std::nullopt,
                  const std::optional<ComputeKernelConfig>& compute_config = std::nullopt,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt,
                  std::optional<DataType> dtype = std::nullopt, bool return_weights_and_bias = false);

// Weight [in_channels, out_channels/groups, kh, kw] (torch's layout). mirror_kernel=false means
// the kernel was already mirrored by the caller.
ConvResult conv_transpose2d(const Tensor& input_tensor, const Tensor& weight_tensor,
                            const std::optional<DeviceRef>& device, std::uint32_t in_channels,
                            std::uint32_t out_channels, std::uint32_t batch_size, std::uint32_t input_height,
                            std::uint32_t input_width, std::array<std::uint32_t, 2> kernel_size,
                            std::array<std::uint32_t, 2> stride = {1, 1},
                            Padding2d padding = std::array<std::uint32_t, 2>{0, 0},
                            std::array<std::uint32_t, 2> output_padding = {0, 0},
                            std::array<std::uint32_t, 2> dilation = {1, 1}, std::uint32_t groups = 1,
                            const std::optional<Tensor>& bias_tensor = std::nullopt,
                            const std::optional<Conv2dConfig>& conv_config = std::nullopt,
                            const std::optional<ComputeKernelConfig>& compute_config = std::nullopt,
                            const std::optional<MemoryConfig>& memory_config = std::nullopt,
                            std::optional<DataType> dtype = std::nullopt, bool mirror_kernel = true,
                            bool return_weights_and_bias = false);

// Input [N, L, C], [N, L, 1, C], [N, 1, L, C] or [1, 1, N*L, C]; weight [out, in/groups, k] or
// [out, in/groups, k, 1]. padding: pad_length or (left, right). output_height is the output length.
using Padding1d = std::variant<std::uint32_t, std::array<std::uint32_t, 2>>;
ConvResult conv1d(const Tensor& input_tensor, const Tensor& weight_tensor, const std::optional<DeviceRef>& device,
                  std::uint32_t in_channels, std::uint32_t out_channels, std::uint32_t batch_size,
                  std::uint32_t input_length, std::uint32_t kernel_size, std::uint32_t stride = 1,
                  Padding1d padding = std::uint32_t{0}, std::uint32_t dilation = 1, std::uint32_t groups = 1,
                  const std::optional<Tensor>& bias_tensor = std::nullopt,
                  const std::optional<Conv2dConfig>& conv_config = std::nullopt,
                  const std::optional<ComputeKernelConfig>& compute_config = std::nullopt,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt,
                  std::optional<DataType> dtype = std::nullopt, bool return_weights_and_bias = false);

// What runs the convolutions: oneDNN's version, its CPU threading runtime ("OMP") and the ISA
// it dispatches to ("avx512_core", "avx2", ...).
struct ConvBackendInfo {
    std::string library;      // "oneDNN 2.6.3 (git hash ...)"
    std::string cpu_runtime;  // "OMP", "TBB", "THREADPOOL", "SEQ"
    std::string isa;
    std::string library_path;  // the file our dnnl_* calls resolve to (dladdr)
    std::string openmp_path;   // the file our omp_* calls resolve to
    std::size_t cached_weight_bytes = 0;
    std::size_t cached_weight_entries = 0;
};
ConvBackendInfo conv_backend_info();
// Drops every cached packed weight (tests, memory pressure).
void clear_conv_weight_cache();

// The host's measured single-precision FMA throughput in GFLOP/s for `threads` threads running
// the widest FMA the CPU has (for benchmarks' fraction-of-peak); runs for about `seconds`.
double widest_fma_peak_gflops(std::size_t threads, double seconds = 0.2, bool avx512 = true);

}  // namespace ttnn::ops
