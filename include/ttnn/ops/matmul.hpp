// matmul and linear: TT-NN's matrix products on the host.
//
// Numerics (NUMERICS.md, src/ops/matmul/fidelity.cpp): in FAITHFUL mode the operands are reduced to
// what the matrix engine's source registers hold (fp32 -> TF32 or bf16), multiplied at the requested
// math fidelity (LoFi/HiFi2/HiFi3/HiFi4, emulated by masking mantissa bits), accumulated in fp32
// (fp32_dest_acc_en) or with a bf16 running sum rounded after every 32-wide K tile; in FAST mode a
// plain float32 GEMM. Bias and activation are applied in fp32 in the GEMM's output pass, and the
// result is rounded to the output dtype.
#pragma once

#include <optional>
#include <string>

#include "ttnn/core/memory_config.hpp"
#include "ttnn/core/tensor.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops {

// TT-NN's program_config and core_grid select a kernel and a core grid on the device; on the host
// they select nothing, but TT-NN's default math fidelity depends on whether one was given.
struct MatmulOptions {
    bool transpose_a = false;
    bool transpose_b = false;
    std::optional<MemoryConfig> memory_config;
    std::optional<DataType> dtype;                  // default: input_tensor_a's
    std::optional<std::string> activation;          // "relu", "gelu", "silu", "sigmoid", ...
    std::optional<ComputeKernelConfig> compute_kernel_config;
    bool program_config_given = false;
    bool core_grid_given = false;
    // The dtype of the values an operand holds when it differs from its storage: compiled programs
    // keep bfloat16 values in float32 buffers. The math-fidelity emulation follows it, as TT-NN's
    // engine would for a bfloat16 operand (default: the tensor's dtype).
    std::optional<DataType> input_a_values;
    std::optional<DataType> input_b_values;
    // What the engine takes from input_tensor_b, precomputed (weight_engine_view): float32 ROW_MAJOR
    // values, decoded and masked as in the call. The general GEMM path reads it instead of decoding and
    // masking b again; the few-rows kernels still stream b itself (fewer bytes). Set by compiled
    // programs for constant weights.
    std::optional<Tensor> input_b_engine_view;
};

// The float32 ROW_MAJOR values the matrix engine takes from `b` under `options` (decoded, and in
// faithful mode masked to TF32 / bf16 and the fidelity's SrcA bits), or nullopt when the GEMM reads
// `b` in place anyway (a float32 ROW_MAJOR b that needs no mask) or the config is not explicit.
std::optional<Tensor> weight_engine_view(const Tensor& b, const MatmulOptions& options);

// torch.matmul semantics: batch dims broadcast, rank-1 operands promoted and their dim dropped.
Tensor matmul(const Tensor& input_tensor_a, const Tensor& input_tensor_b, const MatmulOptions& options = {});

// input_tensor_a @ weight (+ bias): weight is [in, out] (TT-NN's layout), bias has `out` values.
Tensor linear(const Tensor& input_tensor_a, const Tensor& weight, const std::optional<Tensor>& bias,
              const MatmulOptions& options = {});

// Which GEMM library serves these ops, where it was loaded from and its thread count (diagnostics).
struct GemmBackendInfo {
    std::string sgemm;  // "onednn" (default), "openblas" or "fallback"; TTNN_SGEMM chooses
    bool openblas = false;
    std::string library;  // the sgemm's file
    std::string openblas_library;
    std::string config;
    std::string core;
    int blas_threads = 0;
    std::string note;
};
GemmBackendInfo gemm_backend_info();
// The fp32 FMA peak of the device's threads, measured with 256-bit FMA chains (0 without AVX2/FMA).
double measure_fma_peak_gflops(Device& device, double seconds = 0.2);

}  // namespace ttnn::ops
