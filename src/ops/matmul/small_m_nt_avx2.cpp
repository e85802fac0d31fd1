// The direct kernel for torch's weight layout: y[m x n] = x[m x k] @ W^T with W [n x k] row-major
// (nn.Linear's [out, in]), read straight from its device buffer (float32 or bfloat16), masked on the
// fly (the engine's SrcA bits). For few rows (batch-1 linear, decode steps, the LM head) the product
// is bound by reading W once; BLAS either packs W first (sgemm: W read, written and read again) or
// runs one sgemv per row of x. Here each thread streams whole rows of W from memory, four at a time,
// and takes the dot products with every row of x (kept in L1/L2) while each W row is in registers.
// Called only after a run-time AVX2/FMA check.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "gemm.hpp"

namespace ttnn::ops::gemm {

namespace {

constexpr std::size_t kWRows = 4;    // W rows in flight: 4 independent FMA chains per x row
constexpr std::size_t kXRows = 2;    // x rows per sweep: 8 accumulators + 4 W vectors fit the 16 registers
constexpr std::size_t kTaskRows = 64;  // W rows per pool task

inline __m256 load8(const std::byte* row, std::size_t c, bool bf16) {
    if (bf16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(reinterpret_cast<const std::uint16_t*>(row) + c));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(v), 16));
    }
    return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + c);
}

inline float load1(const std::byte* row, std::size_t c, bool bf16) {
    if (bf16) {
        const std::uint32_t u = static_cast<std::uint32_t>(reinterpret_cast<const std::uint16_t*>(row)[c]) << 16;
        float f;
        __builtin_memcpy(&f, &u, 4);
        return f;
    }
    return reinterpret_cast<const float*>(row)[c];
}

inline float hsum(__m256 v) {
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

inline float masked(float v, std::uint32_t mask) {
    std::uint32_t u;
    __builtin_memcpy(&u, &v, 4);
    u &= mask;
    __builtin_memcpy(&v, &u, 4);
    return v;
}

// bfloat16 nearest-even, the value kept in float32 (the engine's bf16 destination register).
inline float round_bf16(float v) {
    std::uint32_t u;
    __builtin_memcpy(&u, &v, 4);
    u = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
    __builtin_memcpy(&v, &u, 4);
    return v;
}

// y[r0 .. r0+XR, j0 .. j0+WR) = x rows . W rows j0.. (each W row read from memory once; later
// sweeps of x rows find them in L1). Bf16Dest: the running sum is rounded to bf16 after every
// 32-wide K tile, each tile's products summed in fp32 first (the bf16 destination register).
template <std::size_t XR, std::size_t WR, bool Bf16Dest>
void block(const SmallMNT& s, std::size_t r0, std::size_t j0, __m256 mask) {
    const std::size_t elem = s.w_bf16 ? 2 : 4;
    const std::byte* w[WR];
    for (std::size_t q = 0; q < WR; ++q) w[q] = s.w + (j0 + q) * s.k * elem;
    const float* x[XR];
    for (std::size_t r = 0; r < XR; ++r) x[r] = s.x + (r0 + r) * s.k;
    float run[XR][WR] = {};
    const std::size_t tile = Bf16Dest ? kDestRoundK : s.k;
    for (std::size_t t0 = 0; t0 < s.k; t0 += tile) {
        const std::size_t t1 = std::min(s.k, t0 + tile);
        __m256 acc[XR][WR];
        for (std::size_t r = 0; r < XR; ++r)
            for (std::size_t q = 0; q < WR; ++q) acc[r][q] = _mm256_setzero_ps();
        std::size_t c = t0;
        for (; c + 8 <= t1; c += 8) {
            __m256 wv[WR];
            for (std::size_t q = 0; q < WR; ++q) wv[q] = _mm256_and_ps(load8(w[q], c, s.w_bf16), mask);
            for (std::size_t r = 0; r < XR; ++r) {
                const __m256 xv = _mm256_loadu_ps(x[r] + c);
                for (std::size_t q = 0; q < WR; ++q) acc[r][q] = _mm256_fmadd_ps(xv, wv[q], acc[r][q]);
            }
        }
        for (std::size_t r = 0; r < XR; ++r)
            for (std::size_t q = 0; q < WR; ++q) {
                float sum = hsum(acc[r][q]);
                for (std::size_t k = c; k < t1; ++k) sum += x[r][k] * masked(load1(w[q], k, s.w_bf16), s.w_mask);
                run[r][q] = Bf16Dest ? round_bf16(run[r][q] + sum) : run[r][q] + sum;
            }
    }
    for (std::size_t r = 0; r < XR; ++r)
        for (std::size_t q = 0; q < WR; ++q) s.y[(r0 + r) * s.n + j0 + q] = run[r][q];
}

template <std::size_t WR, bool Bf16Dest>
void rows_of_w(const SmallMNT& s, std::size_t j0, __m256 mask) {
    std::size_t r0 = 0;
    for (; r0 + kXRows <= s.m; r0 += kXRows) block<kXRows, WR, Bf16Dest>(s, r0, j0, mask);
    if (r0 < s.m) block<1, WR, Bf16Dest>(s, r0, j0, mask);
}

template <bool Bf16Dest>
void run_rows(const SmallMNT& s, std::size_t j, std::size_t j_end, __m256 mask) {
    for (; j + kWRows <= j_end; j += kWRows) rows_of_w<kWRows, Bf16Dest>(s, j, mask);
    for (; j < j_end; ++j) rows_of_w<1, Bf16Dest>(s, j, mask);
}

}  // namespace

void small_m_nt_avx2(const SmallMNT& s, ThreadPool& pool) {
    const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(s.w_mask)));
    const std::size_t tasks = (s.n + kTaskRows - 1) / kTaskRows;
    pool.parallel_for(tasks, 1, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t j = t * kTaskRows, j_end = std::min(s.n, (t + 1) * kTaskRows);
            if (s.bf16_accumulate) {
                run_rows<true>(s, j, j_end, mask);
            } else {
                run_rows<false>(s, j, j_end, mask);
            }
        }
    });
}

}  // namespace ttnn::ops::gemm
