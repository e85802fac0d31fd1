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

// y[r0 .. r0+XR, j0 .. j0+WR) = x rows . W rows j0.. (each W row read once per sweep of x rows;
// later sweeps find them in L1).
template <std::size_t XR, std::size_t WR>
void block(const SmallMNT& s, std::size_t r0, std::size_t j0, __m256 mask, std::uint32_t mask1) {
    const std::size_t elem = s.w_bf16 ? 2 : 4;
    const std::byte* w[WR];
    for (std::size_t q = 0; q < WR; ++q) w[q] = s.w + (j0 + q) * s.k * elem;
    const float* x[XR];
    for (std::size_t r = 0; r < XR; ++r) x[r] = s.x + (r0 + r) * s.k;
    __m256 acc[XR][WR];
    for (std::size_t r = 0; r < XR; ++r)
        for (std::size_t q = 0; q < WR; ++q) acc[r][q] = _mm256_setzero_ps();
    std::size_t c = 0;
    for (; c + 8 <= s.k; c += 8) {
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
            for (std::size_t t = c; t < s.k; ++t) {
                float wt = load1(w[q], t, s.w_bf16);
                std::uint32_t u;
                __builtin_memcpy(&u, &wt, 4);
                u &= mask1;
                __builtin_memcpy(&wt, &u, 4);
                sum += x[r][t] * wt;
            }
            s.y[(r0 + r) * s.n + j0 + q] = sum;
        }
}

template <std::size_t WR>
void rows_of_w(const SmallMNT& s, std::size_t j0, __m256 mask, std::uint32_t mask1) {
    std::size_t r0 = 0;
    for (; r0 + kXRows <= s.m; r0 += kXRows) block<kXRows, WR>(s, r0, j0, mask, mask1);
    if (r0 < s.m) block<1, WR>(s, r0, j0, mask, mask1);
}

}  // namespace

void small_m_nt_avx2(const SmallMNT& s, ThreadPool& pool) {
    const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(s.w_mask)));
    const std::size_t tasks = (s.n + kTaskRows - 1) / kTaskRows;
    pool.parallel_for(tasks, 1, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t j_end = std::min(s.n, (t + 1) * kTaskRows);
            std::size_t j = t * kTaskRows;
            for (; j + kWRows <= j_end; j += kWRows) rows_of_w<kWRows>(s, j, mask, s.w_mask);
            for (; j < j_end; ++j) rows_of_w<1>(s, j, mask, s.w_mask);
        }
    });
}

}  // namespace ttnn::ops::gemm
