// The GEMM engine behind matmul, linear and scaled_dot_product_attention (internal to the ops).
//
//   blas::     the sgemm/sgemv we call: oneDNN's dnnl_sgemm (default, TTNN_SGEMM=openblas|fallback
//              to change) and Debian's OpenBLAS (OpenMP build, opened with dlopen(RTLD_LOCAL) so its
//              symbols never mix with the BLAS copies inside libtorch) for sgemv; a portable fallback
//              GEMM. Every call is single-threaded on the calling thread.
//   engine:    a batch of C = sum_t op(A_t) @ op(B_t) (+ bias, activation) split over a device's
//              thread pool, each thread running blas:: on its own block of C: exactly the device's
//              threads do the work, so a 1x2 mesh runs its two devices concurrently, one thread each.
//   numerics:  the matrix engine's operand precision and math fidelity as masks on the operands,
//              and its bf16 destination register (fp32_dest_acc_en=False) as rounding per K tile.
//   direct:    kernels that read a weight where its device buffer holds it, for few rows (bound by
//              reading W): small_m_stream_avx2 (1-3 rows, TILE), small_m_avx2 (up to 32 rows, or the
//              bf16 destination), small_m_nt_avx2 (nn.Linear's [out, in] rows); and itemwise.hpp,
//              batched products decoded, multiplied and encoded one item at a time in cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ttnn/core/thread_pool.hpp"
#include "ttnn/ops/common.hpp"

namespace ttnn::ops::gemm {

// ---- blas ------------------------------------------------------------------------------------

namespace blas {
// C[m x n] = op(A) @ op(B) + beta * C, all row-major; single-threaded on the calling thread.
void sgemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, const float* a,
           std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc);
// y[0..rows) (stride incy) = op(A) @ x + beta * y, where op(A) is rows x cols and A is row-major.
void sgemv(bool trans, std::size_t rows, std::size_t cols, const float* a, std::size_t lda, const float* x,
           std::size_t incx, float beta, float* y, std::size_t incy);

struct Info {
    std::string sgemm;           // who serves sgemm: "onednn", "openblas" or "fallback" (TTNN_SGEMM)
    bool openblas = false;       // OpenBLAS was found (it serves sgemv, and sgemm when chosen)
    std::string library;         // the file the sgemm we call lives in (dladdr)
    std::string openblas_library;  // the OpenBLAS file
    std::string config;          // openblas_get_config()
    std::string core;            // openblas_get_corename()
    int blas_threads = 0;        // openblas_get_num_threads(): 1, we split work ourselves
    std::string note;            // why the fallback is used, if it is
};
Info info();
}  // namespace blas

// ---- engine ----------------------------------------------------------------------------------

// EXP is not a fused activation name (parse_activation never returns it): ttnn.exp reuses the
// vectorized epilogue for its own blocks.
enum class Activation { NONE, RELU, RELU6, GELU, GELU_TANH, SILU, SIGMOID, HARDSIGMOID, TANH, EXP };
// TT-NN's fused activation names ("relu", "gelu", ...); InvalidArgument naming `op` otherwise.
Activation parse_activation(std::string_view name, std::string_view op);

// The geometry shared by every term: op(A) is m x k, op(B) is k x n.
struct Shape2d {
    std::size_t m = 0, n = 0, k = 0;
    bool trans_a = false, trans_b = false;
    std::size_t lda = 1, ldb = 1;  // leading dims of A and B as stored
};

// One product of the sum; the pointers are the first batch item's matrices.
struct Term {
    const float* a = nullptr;
    const float* b = nullptr;
};

struct Epilogue {
    const float* bias = nullptr;  // n values added to every row, or null
    Activation activation = Activation::NONE;
};

// C[i] = epilogue(sum_t op(A_t[i]) @ op(B_t[i])) for i < batch, C row-major with ldc = n.
struct Batched {
    Shape2d shape;
    std::size_t batch = 1;
    std::vector<Term> terms;                // 1 or 2
    std::vector<std::size_t> a_offsets;     // per batch item, in elements (empty: all 0)
    std::vector<std::size_t> b_offsets;
    float* c = nullptr;
    bool bf16_accumulate = false;           // see accumulate_block
    Epilogue epilogue;
};

// Runs on `pool`'s threads (serially when the problem is small or called from inside a pool chunk).
void run(const Batched& problem, ThreadPool& pool);

// Rows [i0, i1) x columns [j0, j1) of one batch item, on the calling thread. `a`/`b` of each term
// point at that item's matrices, `c` at its C (ldc given). round_last=false leaves out the bf16
// destination register's last rounding, for a caller that encodes C into bfloat16 next (the same
// rounding) with no epilogue in between.
void run_block(const Shape2d& s, std::span<const Term> terms, std::size_t i0, std::size_t i1, std::size_t j0,
               std::size_t j1, float* c, std::size_t ldc, bool bf16_accumulate, const Epilogue& epilogue,
               bool round_last = true);

// Products straight from the weight's storage (small_m_avx2.cpp; AVX2 hosts only), for few rows and
// for the bf16 destination register (rounded in registers after every K tile):
// y[m x n] = sum_t x[t] (m x k, row-major) @ (W & w_mask[t]) with W [k x n] in bf16 or fp32,
// TILE or ROW_MAJOR, as its device buffer holds it; x[1] is the optional HiFi3 second term.
struct SmallM {
    std::size_t m = 0, k = 0, n = 0;
    const float* x[2] = {nullptr, nullptr};
    std::uint32_t w_mask[2] = {0xFFFFFFFFu, 0xFFFFFFFFu};
    const std::byte* w = nullptr;
    bool w_bf16 = true;
    bool w_tile = true;
    float* y = nullptr;
    bool bf16_accumulate = false;
};
inline constexpr std::size_t kSmallM = 32;  // up to this many rows the direct kernel beats decode + BLAS
void small_m_avx2(const SmallM& problem, ThreadPool& pool);
// The same product for up to kSmallMStream rows and a TILE weight, streamed from storage straight
// into FMAs (small_m_stream_avx2.cpp): bound by reading W, which it does in storage order.
inline constexpr std::size_t kSmallMStream = 3;
void small_m_stream_avx2(const SmallM& problem, ThreadPool& pool);

// y[m x n] = x (m x k, row-major) @ (W & w_mask)^T with W [n x k] row-major in bf16 or fp32 (torch's
// nn.Linear layout, transpose_b=True): one fidelity term; fp32 accumulation or the bf16 destination
// register's rounding per K tile (small_m_nt_avx2.cpp).
struct SmallMNT {
    std::size_t m = 0, k = 0, n = 0;
    const float* x = nullptr;
    const std::byte* w = nullptr;
    bool w_bf16 = false;
    std::uint32_t w_mask = 0xFFFFFFFFu;
    float* y = nullptr;
    bool bf16_accumulate = false;
};
inline constexpr std::size_t kSmallMNT = 16;  // up to this many rows streaming W beats BLAS
void small_m_nt_avx2(const SmallMNT& problem, ThreadPool& pool);

// GFLOP/s of 256-bit FMA chains on all of `pool`'s threads for `seconds` (peak_avx2.cpp; AVX2 hosts only).
double measure_fma_peak_avx2(ThreadPool& pool, double seconds);

// Bias and activation over a rows x cols block (row stride ldc); vectorized.
void apply_epilogue(float* c, std::size_t rows, std::size_t cols, std::size_t ldc, const Epilogue& epilogue);
// Round to bfloat16, nearest-even, in place (the values stay float32); NaN becomes bf16's 0x7FC0.
void round_bf16(float* c, std::size_t rows, std::size_t cols, std::size_t ldc);
// One value of it: every NaN becomes bf16's canonical 0x7FC0, as the bf16 encoder makes it.
inline float round_to_bf16(float v) {
    std::uint32_t u;
    std::memcpy(&u, &v, 4);
    u = (u & 0x7FFFFFFFu) > 0x7F800000u ? 0x7FC00000u : (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
    std::memcpy(&v, &u, 4);
    return v;
}

// ---- numerics ---------------------------------------------------------------------------------

// The K width after which the emulated bf16 destination register is rounded: one tile.
inline constexpr std::size_t kDestRoundK = 32;

// TT-NN's default compute config for matmul/linear (ttnn/cpp/ttnn/operations/matmul/device/
// matmul_device_operation.cpp, create_matmul_attributes): HiFi2, or LoFi when a program config or a
// core grid is given or both inputs are block floats, HiFi4 when both inputs are float32;
// fp32_dest_acc_en iff the output is float32; math_approx_mode off; packer_l1_acc iff not float32.
ComputeKernelConfig default_matmul_config(DataType a, DataType b, DataType output, bool user_grid_or_program);
// Scaled dot product attention: HiFi2, approx on, fp32_dest_acc_en off (transformer/sdpa/sdpa.cpp).
ComputeKernelConfig default_sdpa_config();

// The masks a compute config applies to the two operands of a product: `a` feeds SrcB
// (input_tensor_a, the activations), `b` feeds SrcA (input_tensor_b, the weights).
struct FidelityMasks {
    std::uint32_t a = 0xFFFFFFFFu;   // the first (or only) term's a
    std::uint32_t b = 0xFFFFFFFFu;   // the first (or only) term's b
    bool two_terms = false;          // HiFi3: a second term a_lo @ b_hi
    std::uint32_t a_full = 0xFFFFFFFFu, a_hi = 0xFFFFFFFFu, b_hi = 0xFFFFFFFFu;
};
FidelityMasks fidelity_masks(const ComputeKernelConfig& config, bool a_is_fp32, bool b_is_fp32);
// Whether `mask` changes an operand whose values are float32 (is_fp32) or fit in bf16 (not).
bool mask_changes(std::uint32_t mask, bool is_fp32);
// In place on n values. With two_terms, mask_a leaves the high part in `a` and writes the low part to
// `a_lo`, and mask_b writes the high part of `b` to `b_hi` (both must then hold n values).
void mask_a(float* a, std::size_t n, const FidelityMasks& masks, float* a_lo);
void mask_b(float* b, std::size_t n, const FidelityMasks& masks, float* b_hi);

// matmul's operands prepared on the pool: returns the terms to sum (1 or 2; `scratch` keeps the
// extra HiFi3 operand copies alive) and whether the destination register is bf16.
struct Prepared {
    std::vector<Term> terms;
    bool bf16_accumulate = false;
    std::vector<F32Array> scratch;
};
// b_premasked: b already holds its masked values (weight_engine_view); only HiFi3's high part is derived.
Prepared prepare_operands(F32Array& a, DataType a_dtype, F32Array& b, DataType b_dtype,
                          const ComputeKernelConfig& config, ThreadPool& pool, bool b_premasked = false);

}  // namespace ttnn::ops::gemm
