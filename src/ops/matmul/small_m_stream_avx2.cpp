// The streaming kernel: y[m x n] = x[m x k] @ W[k x n] for one to three rows of x, W a TILE weight
// (bfloat16 or float32) read once, in storage order, straight into FMAs. Such a product is bound by
// reading W: the staged kernel (small_m_avx2.cpp) copies each 32 x 32 block into L1 first and walks
// W in 32 KiB pieces, which halves the bandwidth it reaches. Here each thread owns a range of tile
// columns and, per tile row, reads its tiles as one contiguous run; a tile's 32 columns of y stay in
// registers across the tile's 32 rows of K, then are rounded (the bf16 destination register) and
// stored. Called only after a run-time AVX2/FMA check.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gemm.hpp"
#include "vec_math_avx2.hpp"
#include "ttnn/core/layout.hpp"

namespace ttnn::ops::gemm {

namespace {

constexpr std::size_t kPrefetchTiles = 4;

// 16 consecutive values of a face row as two vectors of 8.
template <bool Bf16>
inline void load16(const std::byte* p, __m256& lo, __m256& hi) {
    if constexpr (Bf16) {
        vec::load16_bf16_ps(reinterpret_cast<const std::uint16_t*>(p), lo, hi);
    } else {
        lo = _mm256_loadu_ps(reinterpret_cast<const float*>(p));
        hi = _mm256_loadu_ps(reinterpret_cast<const float*>(p) + 8);
    }
}

struct Layout2 {
    std::size_t n_pad, tiles_w, tiles_h;
};

// acc[r][0..3] += x[r][kk] * (w0, w1, w2, w3): one row of K for the 32 columns of a tile.
template <int Rows>
__attribute__((always_inline)) inline void fma_row(__m256 (&acc)[Rows][4], const float* const* xs, std::size_t kk,
                                                   __m256 w0, __m256 w1, __m256 w2, __m256 w3) {
#pragma GCC unroll 4
    for (int r = 0; r < Rows; ++r) {
        const __m256 xv = _mm256_broadcast_ss(xs[r] + kk);
        acc[r][0] = _mm256_fmadd_ps(xv, w0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(xv, w1, acc[r][1]);
        acc[r][2] = _mm256_fmadd_ps(xv, w2, acc[r][2]);
        acc[r][3] = _mm256_fmadd_ps(xv, w3, acc[r][3]);
    }
}

// Row rr of the face pair starting at `left` (the two faces side by side: different columns).
template <int Rows, bool Bf16, bool TwoTerms>
__attribute__((always_inline)) inline void face_pair_row(__m256 (&acc)[Rows][4], const std::byte* left,
                                                         std::size_t rr, std::size_t kk, const float* const* xs0,
                                                         const float* const* xs1, __m256 m0, __m256 m1) {
    constexpr std::size_t elem = Bf16 ? 2 : 4;
    // The hardware prefetchers stop at 4 KiB pages, and W changes page every tile or two: ask for
    // the lines kPrefetchTiles tiles ahead in storage order ourselves, into L2 (a T0 hint holds L1's
    // few miss buffers and reached half the bandwidth: 9 against 16-22 GB/s from DRAM on one core).
    constexpr std::size_t ahead = kPrefetchTiles * kTileElements * elem;
    _mm_prefetch(reinterpret_cast<const char*>(left + rr * kFaceWidth * elem + ahead), _MM_HINT_T1);
    _mm_prefetch(reinterpret_cast<const char*>(left + (kFaceElements + rr * kFaceWidth) * elem + ahead), _MM_HINT_T1);
    __m256 w0, w1, w2, w3;
    load16<Bf16>(left + rr * kFaceWidth * elem, w0, w1);
    load16<Bf16>(left + (kFaceElements + rr * kFaceWidth) * elem, w2, w3);
    fma_row<Rows>(acc, xs0, kk, _mm256_and_ps(w0, m0), _mm256_and_ps(w1, m0), _mm256_and_ps(w2, m0),
                  _mm256_and_ps(w3, m0));
    if constexpr (TwoTerms) {
        fma_row<Rows>(acc, xs1, kk, _mm256_and_ps(w0, m1), _mm256_and_ps(w1, m1), _mm256_and_ps(w2, m1),
                      _mm256_and_ps(w3, m1));
    }
}

// One tile (row tr, column tc): y's 32 columns of that tile, per row of x, += x's rows of K times
// the tile, plus HiFi3's second term. The accumulators stay in registers: the two faces side by side
// are read together (different columns), and for one row of x even and odd rows of K go to separate
// accumulators, so that enough FMA chains run at once for their latency not to bound the stream.
template <int Rows, bool Bf16, bool TwoTerms>
void tile_rows(const SmallM& s, const Layout2& g, const float* const* xs0, const float* const* xs1,
               std::size_t tr, std::size_t tc, float* ypad, __m256 m0, __m256 m1) {
    constexpr std::size_t elem = Bf16 ? 2 : 4;
    const std::byte* tile = s.w + (tr * g.tiles_w + tc) * kTileElements * elem;
    const std::size_t valid_rows = std::min(kTileHeight, s.k - tr * kTileHeight);
    __m256 even[Rows][4], odd[Rows][4];
    for (int r = 0; r < Rows; ++r) {
        const float* y = ypad + r * g.n_pad + tc * kTileWidth;
        for (int q = 0; q < 4; ++q) {
            even[r][q] = tr == 0 ? _mm256_setzero_ps() : _mm256_loadu_ps(y + 8 * q);
            odd[r][q] = _mm256_setzero_ps();
        }
    }
    // Faces in storage order: rows 0-15 x columns 0-15, 0-15 x 16-31, 16-31 x 0-15, 16-31 x 16-31.
    for (std::size_t pair = 0; pair < 2; ++pair) {
        const std::size_t row0 = pair * kFaceHeight;
        // The last tile row's padding rows are never read: they need not hold zeros.
        const std::size_t face_rows = std::min(kFaceHeight, std::max(row0, valid_rows) - row0);
        const std::byte* left = tile + 2 * pair * kFaceElements * elem;
        const std::size_t kk0 = tr * kTileHeight + row0;
        std::size_t rr = 0;
        for (; rr + 2 <= face_rows; rr += 2) {
            face_pair_row<Rows, Bf16, TwoTerms>(even, left, rr, kk0 + rr, xs0, xs1, m0, m1);
            if constexpr (Rows == 1) {
                face_pair_row<Rows, Bf16, TwoTerms>(odd, left, rr + 1, kk0 + rr + 1, xs0, xs1, m0, m1);
            } else {  // enough chains already; keep the registers for the rows of x
                face_pair_row<Rows, Bf16, TwoTerms>(even, left, rr + 1, kk0 + rr + 1, xs0, xs1, m0, m1);
            }
        }
        if (rr < face_rows) face_pair_row<Rows, Bf16, TwoTerms>(even, left, rr, kk0 + rr, xs0, xs1, m0, m1);
    }
    for (int r = 0; r < Rows; ++r) {
        float* y = ypad + r * g.n_pad + tc * kTileWidth;
        for (int q = 0; q < 4; ++q) {
            const __m256 v = Rows == 1 ? _mm256_add_ps(even[r][q], odd[r][q]) : even[r][q];
            _mm256_storeu_ps(y + 8 * q, s.bf16_accumulate ? vec::round_bf16_ps(v) : v);
        }
    }
}

template <int Rows, bool Bf16, bool TwoTerms>
void columns(const SmallM& s, const Layout2& g, const float* const* xs0, const float* const* xs1, std::size_t tc0,
             std::size_t tc1, float* ypad, __m256 m0, __m256 m1) {
    for (std::size_t tr = 0; tr < g.tiles_h; ++tr) {
        for (std::size_t tc = tc0; tc < tc1; ++tc) tile_rows<Rows, Bf16, TwoTerms>(s, g, xs0, xs1, tr, tc, ypad, m0, m1);
    }
}

template <int Rows>
void columns_any(const SmallM& s, const Layout2& g, const float* const* xs0, const float* const* xs1, std::size_t tc0,
                 std::size_t tc1, float* ypad, __m256 m0, __m256 m1) {
    const bool two = s.x[1] != nullptr;
    if (s.w_bf16) {
        two ? columns<Rows, true, true>(s, g, xs0, xs1, tc0, tc1, ypad, m0, m1)
            : columns<Rows, true, false>(s, g, xs0, xs1, tc0, tc1, ypad, m0, m1);
    } else {
        two ? columns<Rows, false, true>(s, g, xs0, xs1, tc0, tc1, ypad, m0, m1)
            : columns<Rows, false, false>(s, g, xs0, xs1, tc0, tc1, ypad, m0, m1);
    }
}

}  // namespace

void small_m_stream_avx2(const SmallM& s, ThreadPool& pool) {
    Layout2 g;
    g.tiles_w = (s.n + kTileWidth - 1) / kTileWidth;
    g.tiles_h = (s.k + kTileHeight - 1) / kTileHeight;
    g.n_pad = g.tiles_w * kTileWidth;
    // Rows of x (and HiFi3's low parts), read in place: K past s.k is never read.
    const float* xs[2][kSmallMStream] = {};
    for (std::size_t t = 0; t < 2; ++t)
        for (std::size_t r = 0; r < s.m && s.x[t] != nullptr; ++r) xs[t][r] = s.x[t] + r * s.k;
    std::vector<float> ypad(s.m * g.n_pad);
    const __m256 m0 = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(s.w_mask[0])));
    const __m256 m1 = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(s.w_mask[1])));
    // One contiguous range of tile columns per thread: per tile row, one run of memory each.
    const std::size_t tasks = std::min(g.tiles_w, pool.num_threads());
    pool.parallel_for(tasks, 1, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t tc0 = t * g.tiles_w / tasks, tc1 = (t + 1) * g.tiles_w / tasks;
            switch (s.m) {
                case 1: columns_any<1>(s, g, xs[0], xs[1], tc0, tc1, ypad.data(), m0, m1); break;
                case 2: columns_any<2>(s, g, xs[0], xs[1], tc0, tc1, ypad.data(), m0, m1); break;
                default: columns_any<3>(s, g, xs[0], xs[1], tc0, tc1, ypad.data(), m0, m1); break;
            }
        }
    });
    for (std::size_t r = 0; r < s.m; ++r) std::copy(ypad.data() + r * g.n_pad, ypad.data() + r * g.n_pad + s.n, s.y + r * s.n);
}

}  // namespace ttnn::ops::gemm
