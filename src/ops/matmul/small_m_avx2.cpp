// The direct kernel: y[m x n] = x[m x k] @ W[k x n] with W read straight from its device storage
// (bfloat16 or float32 tiles), no float32 copy of the weights. Used for few rows (batch-1 linear,
// decode steps: bound by reading W once) and for the bf16 destination register, whose rounding after
// every 32 rows of K it does in registers. Each 32 x 32 block of W is decoded and masked (the
// engine's SrcA bits) once into L1, then swept by 6-row x 16-column register panels of y. Called
// only after a run-time AVX2/FMA check.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gemm.hpp"
#include "vec_math_avx2.hpp"
#include "ttnn/core/layout.hpp"

namespace ttnn::ops::gemm {

namespace {

constexpr std::size_t kRowsPerPass = 6;  // 6 rows x 16 columns: 12 accumulators
constexpr std::size_t kRowBlock = 64;
constexpr std::size_t kColBlocksPerTask = 8;  // 256 columns

inline void load16(const std::byte* p, bool bf16, __m256& lo, __m256& hi) {
    if (bf16) {
        vec::load16_bf16_ps(reinterpret_cast<const std::uint16_t*>(p), lo, hi);
    } else {
        lo = _mm256_loadu_ps(reinterpret_cast<const float*>(p));
        hi = _mm256_loadu_ps(reinterpret_cast<const float*>(p) + 8);
    }
}

// Row `kk` of W, columns [c0, c0 + 32) (c0 a multiple of 32), as four vectors of 8.
struct WeightReader {
    const std::byte* base;
    bool bf16, tile;
    std::size_t k, n, tiles_w;

    void row32(std::size_t kk, std::size_t c0, __m256 (&w)[4]) const {
        const std::size_t elem = bf16 ? 2 : 4;
        if (tile) {
            // The row's two face rows: 16 values each, one face apart.
            const std::size_t t = (kk / kTileHeight) * tiles_w + c0 / kTileWidth;
            const std::byte* p = base + (t * kTileElements + tile_offset(kk % kTileHeight, 0)) * elem;
            load16(p, bf16, w[0], w[1]);
            load16(p + kFaceElements * elem, bf16, w[2], w[3]);
            return;
        }
        const std::byte* p = base + (kk * n + c0) * elem;
        if (c0 + 32 <= n) {
            load16(p, bf16, w[0], w[1]);
            load16(p + 16 * elem, bf16, w[2], w[3]);
            return;
        }
        alignas(32) float tail[32] = {};
        for (std::size_t c = 0; c < n - c0; ++c) {
            if (bf16) {
                const std::uint32_t u = static_cast<std::uint32_t>(reinterpret_cast<const std::uint16_t*>(p)[c]) << 16;
                std::memcpy(tail + c, &u, 4);
            } else {
                tail[c] = reinterpret_cast<const float*>(p)[c];
            }
        }
        for (int i = 0; i < 4; ++i) w[i] = _mm256_load_ps(tail + 8 * i);
    }
};

// Rows [r0, r0 + Rows) x 16 columns from c of y += x[:, k0:k1] @ W-block, the block already
// converted (and masked) to float32 in `wb` (32 x 32, row kk - k0, column offset `off`); y starts at
// zero when k0 == 0, and k1 - k0 <= 32, so the bf16 destination is rounded once at the end.
template <int Rows, bool TwoTerms>
void panel(const SmallM& s, const float* wb0, const float* wb1, std::size_t off, const float* xb0, const float* xb1,
           float* yb, std::size_t ldy, std::size_t k0, std::size_t k1) {
    // yb: the panel's rows of the task's 32-column y block, xb0/xb1 the same rows of x's K tile, both
    // contiguous with row stride 32; columns off..off+16.
    __m256 acc[Rows][2];
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r) {
        const float* y = yb + r * ldy + off;
        if (k0 == 0) {
            acc[r][0] = acc[r][1] = _mm256_setzero_ps();
        } else {
            acc[r][0] = _mm256_load_ps(y);
            acc[r][1] = _mm256_load_ps(y + 8);
        }
    }
    for (std::size_t kk = 0; kk < k1 - k0; ++kk) {
        const float* w0 = wb0 + kk * 32 + off;
        const __m256 a0 = _mm256_load_ps(w0), a1 = _mm256_load_ps(w0 + 8);
#pragma GCC unroll 8
        for (int r = 0; r < Rows; ++r) {
            const __m256 xv = _mm256_broadcast_ss(xb0 + r * 32 + kk);
            acc[r][0] = _mm256_fmadd_ps(xv, a0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(xv, a1, acc[r][1]);
        }
        if constexpr (TwoTerms) {
            const float* w1 = wb1 + kk * 32 + off;
            const __m256 b0 = _mm256_load_ps(w1), b1 = _mm256_load_ps(w1 + 8);
#pragma GCC unroll 8
            for (int r = 0; r < Rows; ++r) {
                const __m256 xv = _mm256_broadcast_ss(xb1 + r * 32 + kk);
                acc[r][0] = _mm256_fmadd_ps(xv, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(xv, b1, acc[r][1]);
            }
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r) {
        if (s.bf16_accumulate) {
            acc[r][0] = vec::round_bf16_ps(acc[r][0]);
            acc[r][1] = vec::round_bf16_ps(acc[r][1]);
        }
        float* y = yb + r * ldy + off;
        _mm256_store_ps(y, acc[r][0]);
        _mm256_store_ps(y + 8, acc[r][1]);
    }
}

template <bool TwoTerms>
void panels(const SmallM& s, const float* wb0, const float* wb1, std::size_t rows, std::size_t c0,
            const float* xbuf0, const float* xbuf1, float* ybuf, std::size_t ldy, std::size_t k0, std::size_t k1) {
    for (std::size_t off = 0; off < 32 && c0 + off < s.n; off += 16) {
        for (std::size_t r0 = 0; r0 < rows; r0 += kRowsPerPass) {
            float* yb = ybuf + r0 * ldy;
            const float* xb0 = xbuf0 + r0 * 32;
            const float* xb1 = xbuf1 + r0 * 32;
            switch (std::min(kRowsPerPass, rows - r0)) {
                case 1: panel<1, TwoTerms>(s, wb0, wb1, off, xb0, xb1, yb, ldy, k0, k1); break;
                case 2: panel<2, TwoTerms>(s, wb0, wb1, off, xb0, xb1, yb, ldy, k0, k1); break;
                case 3: panel<3, TwoTerms>(s, wb0, wb1, off, xb0, xb1, yb, ldy, k0, k1); break;
                case 4: panel<4, TwoTerms>(s, wb0, wb1, off, xb0, xb1, yb, ldy, k0, k1); break;
                case 5: panel<5, TwoTerms>(s, wb0, wb1, off, xb0, xb1, yb, ldy, k0, k1); break;
                default: panel<6, TwoTerms>(s, wb0, wb1, off, xb0, xb1, yb, ldy, k0, k1); break;
            }
        }
    }
}

// AVX-512 panels where the CPU has them (GCC's target attribute: the file's flags stay AVX2): 12 rows x
// 32 columns, two 16-lane accumulators per row.
constexpr std::size_t kRowsPerPass512 = 12;

#define TTNN_AVX512 __attribute__((target("avx512f")))

template <int Rows, bool TwoTerms>
TTNN_AVX512 void panel512(const float* wb0, const float* wb1, const float* xb0, const float* xb1, float* yb,
                          std::size_t ldy, std::size_t kn, bool first, bool round) {
    __m512 acc[Rows][2];
#pragma GCC unroll 16
    for (int r = 0; r < Rows; ++r) {
        if (first) {
            acc[r][0] = acc[r][1] = _mm512_setzero_ps();
        } else {
            acc[r][0] = _mm512_load_ps(yb + r * ldy);
            acc[r][1] = _mm512_load_ps(yb + r * ldy + 16);
        }
    }
    for (std::size_t kk = 0; kk < kn; ++kk) {
        const __m512 a0 = _mm512_load_ps(wb0 + kk * 32), a1 = _mm512_load_ps(wb0 + kk * 32 + 16);
#pragma GCC unroll 16
        for (int r = 0; r < Rows; ++r) {
            const __m512 xv = _mm512_set1_ps(xb0[r * 32 + kk]);
            acc[r][0] = _mm512_fmadd_ps(xv, a0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(xv, a1, acc[r][1]);
        }
        if constexpr (TwoTerms) {
            const __m512 b0 = _mm512_load_ps(wb1 + kk * 32), b1 = _mm512_load_ps(wb1 + kk * 32 + 16);
#pragma GCC unroll 16
            for (int r = 0; r < Rows; ++r) {
                const __m512 xv = _mm512_set1_ps(xb1[r * 32 + kk]);
                acc[r][0] = _mm512_fmadd_ps(xv, b0, acc[r][0]);
                acc[r][1] = _mm512_fmadd_ps(xv, b1, acc[r][1]);
            }
        }
    }
    const __m512i bias = _mm512_set1_epi32(0x7FFF), one = _mm512_set1_epi32(1);
    const __m512i keep = _mm512_set1_epi32(static_cast<int>(0xFFFF0000u));
#pragma GCC unroll 16
    for (int r = 0; r < Rows; ++r) {
        for (int h = 0; h < 2; ++h) {
            __m512 v = acc[r][h];
            if (round) {
                const __m512i u = _mm512_castps_si512(v);
                const __m512i lsb = _mm512_and_si512(_mm512_maskz_srli_epi32(0xFFFF, u, 16), one);
                v = _mm512_castsi512_ps(_mm512_and_si512(_mm512_add_epi32(_mm512_add_epi32(u, bias), lsb), keep));
            }
            _mm512_store_ps(yb + r * ldy + 16 * h, v);
        }
    }
}

template <bool TwoTerms>
TTNN_AVX512 void panels512(const float* wb0, const float* wb1, std::size_t rows, const float* xbuf0,
                           const float* xbuf1, float* ybuf, std::size_t ldy, std::size_t kn, bool first, bool round) {
    for (std::size_t r0 = 0; r0 < rows; r0 += kRowsPerPass512) {
        float* yb = ybuf + r0 * ldy;
        const float* x0 = xbuf0 + r0 * 32;
        const float* x1 = xbuf1 + r0 * 32;
#define TTNN_PANEL(R) panel512<R, TwoTerms>(wb0, wb1, x0, x1, yb, ldy, kn, first, round); break;
        switch (std::min(kRowsPerPass512, rows - r0)) {
            case 1: TTNN_PANEL(1)
            case 2: TTNN_PANEL(2)
            case 3: TTNN_PANEL(3)
            case 4: TTNN_PANEL(4)
            case 5: TTNN_PANEL(5)
            case 6: TTNN_PANEL(6)
            case 7: TTNN_PANEL(7)
            case 8: TTNN_PANEL(8)
            case 9: TTNN_PANEL(9)
            case 10: TTNN_PANEL(10)
            case 11: TTNN_PANEL(11)
            default: TTNN_PANEL(12)
        }
#undef TTNN_PANEL
    }
}

bool cpu_has_avx512() {
    static const bool yes = [] {
        const char* forced = std::getenv("TTNN_ISA");
        if (forced != nullptr && (std::strcmp(forced, "generic") == 0 || std::strcmp(forced, "avx2") == 0)) return false;
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") != 0;
    }();
    return yes;
}

}  // namespace

void small_m_avx2(const SmallM& s, ThreadPool& pool) {
    const WeightReader w{s.w, s.w_bf16, s.w_tile, s.k, s.n, (s.n + kTileWidth - 1) / kTileWidth};
    // Tasks: a block of 64 rows x up to 256 columns of y, kept in a contiguous buffer (L2) across K.
    // Per K tile, the block's x rows are packed once (L1) and each 32 x 32 block of W is decoded and
    // masked once (L1), then swept by the register panels.
    const std::size_t col_blocks = (s.n + 31) / 32;
    const std::size_t row_blocks = (s.m + kRowBlock - 1) / kRowBlock;
    const std::size_t col_ranges = (col_blocks + kColBlocksPerTask - 1) / kColBlocksPerTask;
    const std::size_t tasks = col_ranges * row_blocks;
    const __m256 m0 = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(s.w_mask[0])));
    const __m256 m1 = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(s.w_mask[1])));
    const bool two = s.x[1] != nullptr;
    const bool avx512 = cpu_has_avx512();
    pool.parallel_for(tasks, 1, [&](std::size_t t0, std::size_t t1) {
        alignas(64) float wb0[32 * 32];
        alignas(64) float wb1[32 * 32];
        alignas(64) float xbuf0[kRowBlock * 32];
        alignas(64) float xbuf1[kRowBlock * 32];
        std::vector<float> ybuf_storage(kRowBlock * kColBlocksPerTask * 32 + 16);
        float* ybuf = reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(ybuf_storage.data()) + 63) & ~std::uintptr_t{63});
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t cr = t / row_blocks, rb = t % row_blocks;
            const std::size_t rows_begin = rb * kRowBlock, rows_end = std::min(s.m, rows_begin + kRowBlock);
            const std::size_t rows = rows_end - rows_begin;
            const std::size_t b_begin = cr * kColBlocksPerTask, b_end = std::min(col_blocks, b_begin + kColBlocksPerTask);
            const std::size_t ldy = (b_end - b_begin) * 32;
            for (std::size_t k0 = 0; k0 < s.k; k0 += kDestRoundK) {
                const std::size_t k1 = std::min(s.k, k0 + kDestRoundK);
                for (std::size_t r = rows_begin; r < rows_end; ++r) {
                    std::copy(s.x[0] + r * s.k + k0, s.x[0] + r * s.k + k1, xbuf0 + (r - rows_begin) * 32);
                    if (two) std::copy(s.x[1] + r * s.k + k0, s.x[1] + r * s.k + k1, xbuf1 + (r - rows_begin) * 32);
                }
                for (std::size_t b = b_begin; b < b_end; ++b) {
                    for (std::size_t kk = k0; kk < k1; ++kk) {
                        __m256 wv[4];
                        w.row32(kk, b * 32, wv);
                        float* d0 = wb0 + (kk - k0) * 32;
                        for (int i = 0; i < 4; ++i) _mm256_store_ps(d0 + 8 * i, _mm256_and_ps(wv[i], m0));
                        if (two) {
                            float* d1 = wb1 + (kk - k0) * 32;
                            for (int i = 0; i < 4; ++i) _mm256_store_ps(d1 + 8 * i, _mm256_and_ps(wv[i], m1));
                        }
                    }
                    float* yb = ybuf + (b - b_begin) * 32;
                    if (avx512) {
                        if (two) {
                            panels512<true>(wb0, wb1, rows, xbuf0, xbuf1, yb, ldy, k1 - k0, k0 == 0, s.bf16_accumulate);
                        } else {
                            panels512<false>(wb0, wb1, rows, xbuf0, xbuf1, yb, ldy, k1 - k0, k0 == 0, s.bf16_accumulate);
                        }
                    } else if (two) {
                        panels<true>(s, wb0, wb1, rows, b * 32, xbuf0, xbuf1, yb, ldy, k0, k1);
                    } else {
                        panels<false>(s, wb0, wb1, rows, b * 32, xbuf0, xbuf1, yb, ldy, k0, k1);
                    }
                }
            }
            const std::size_t c_begin = b_begin * 32, cols = std::min(s.n, b_end * 32) - c_begin;
            for (std::size_t r = rows_begin; r < rows_end; ++r) {
                const float* src = ybuf + (r - rows_begin) * ldy;
                std::copy(src, src + cols, s.y + r * s.n + c_begin);
            }
        }
    });
}

}  // namespace ttnn::ops::gemm
