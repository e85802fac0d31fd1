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

// The four sums of acc[0..3] (lane q: the sum of acc[q]).
inline __m128 hsum4(const __m256* acc) {
    const __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(acc[0], acc[1]), _mm256_hadd_ps(acc[2], acc[3]));
    return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

inline __m128 round_bf16_4(__m128 v) {
    const __m128i u = _mm_castps_si128(v);
    const __m128i lsb = _mm_and_si128(_mm_srli_epi32(u, 16), _mm_set1_epi32(1));
    const __m128i r = _mm_add_epi32(_mm_add_epi32(u, _mm_set1_epi32(0x7FFF)), lsb);
    return _mm_castsi128_ps(_mm_and_si128(r, _mm_set1_epi32(static_cast<int>(0xFFFF0000u))));
}

// y[r0 .. r0+XR, j0 .. j0+WR) = x rows . W rows j0.. (each W row read from memory once; later
// sweeps of x rows find them in L1). Bf16Dest: the running sum is rounded to bf16 after every
// 32-wide K tile, each tile's products summed in fp32 first (the bf16 destination register); with
// four rows of W the four sums of a tile are reduced and rounded together in one vector.
template <std::size_t XR, std::size_t WR, bool Bf16Dest>
void block(const SmallMNT& s, std::size_t r0, std::size_t j0, __m256 mask) {
    const std::size_t elem = s.w_bf16 ? 2 : 4;
    const std::byte* w[WR];
    for (std::size_t q = 0; q < WR; ++q) w[q] = s.w + (j0 + q) * s.k * elem;
    // The next block's rows, into L2: rows of W are a few KiB, too short for the hardware
    // prefetchers to get ahead of the stream.
    const std::size_t ahead = WR * s.k * elem;
    const bool prefetch = r0 == 0 && j0 + 2 * WR <= s.n;
    const float* x[XR];
    for (std::size_t r = 0; r < XR; ++r) x[r] = s.x + (r0 + r) * s.k;
    float run[XR][WR] = {};
    __m128 run4[XR];
    for (std::size_t r = 0; r < XR; ++r) run4[r] = _mm_setzero_ps();
    const std::size_t tile = Bf16Dest ? kDestRoundK : s.k;
    for (std::size_t t0 = 0; t0 < s.k; t0 += tile) {
        const std::size_t t1 = std::min(s.k, t0 + tile);
        __m256 acc[XR][WR];
        for (std::size_t r = 0; r < XR; ++r)
            for (std::size_t q = 0; q < WR; ++q) acc[r][q] = _mm256_setzero_ps();
        std::size_t c = t0;
        for (; c + 8 <= t1; c += 8) {
            if (prefetch && (c * elem) % 64 == 0) {
                for (std::size_t q = 0; q < WR; ++q) _mm_prefetch(reinterpret_cast<const char*>(w[q] + c * elem + ahead), _MM_HINT_T1);
            }
            __m256 wv[WR];
            for (std::size_t q = 0; q < WR; ++q) wv[q] = _mm256_and_ps(load8(w[q], c, s.w_bf16), mask);
            for (std::size_t r = 0; r < XR; ++r) {
                const __m256 xv = _mm256_loadu_ps(x[r] + c);
                for (std::size_t q = 0; q < WR; ++q) acc[r][q] = _mm256_fmadd_ps(xv, wv[q], acc[r][q]);
            }
        }
        if constexpr (WR == 4) {
            for (std::size_t r = 0; r < XR; ++r) {
                __m128 sum = hsum4(acc[r]);
                if (c < t1) {
                    alignas(16) float tail[4];
                    for (std::size_t q = 0; q < 4; ++q) {
                        tail[q] = 0.0f;
                        for (std::size_t k = c; k < t1; ++k) tail[q] += x[r][k] * masked(load1(w[q], k, s.w_bf16), s.w_mask);
                    }
                    sum = _mm_add_ps(sum, _mm_load_ps(tail));
                }
                run4[r] = Bf16Dest ? round_bf16_4(_mm_add_ps(run4[r], sum)) : _mm_add_ps(run4[r], sum);
            }
        } else {
            for (std::size_t r = 0; r < XR; ++r)
                for (std::size_t q = 0; q < WR; ++q) {
                    float sum = hsum(acc[r][q]);
                    for (std::size_t k = c; k < t1; ++k) sum += x[r][k] * masked(load1(w[q], k, s.w_bf16), s.w_mask);
                    run[r][q] = Bf16Dest ? round_to_bf16(run[r][q] + sum) : run[r][q] + sum;
                }
        }
    }
    if constexpr (WR == 4) {
        for (std::size_t r = 0; r < XR; ++r) _mm_storeu_ps(s.y + (r0 + r) * s.n + j0, run4[r]);
    } else {
        for (std::size_t r = 0; r < XR; ++r)
            for (std::size_t q = 0; q < WR; ++q) s.y[(r0 + r) * s.n + j0 + q] = run[r][q];
    }
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
