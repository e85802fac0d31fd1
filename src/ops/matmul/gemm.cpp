// The GEMM engine: blocks of C over a device's threads, each block one or a few single-threaded
// BLAS calls followed (while it is still in cache) by the bf16 rounding of the emulated destination
// register and the fused bias + activation.
#include <algorithm>
#include <cstring>

#include "gemm.hpp"
#include "ttnn/core/cpu_features.hpp"
#include "ttnn/core/error.hpp"

namespace ttnn::ops::gemm {

namespace {

std::size_t a_index(const Shape2d& s, std::size_t i, std::size_t p) { return s.trans_a ? p * s.lda + i : i * s.lda + p; }
std::size_t b_index(const Shape2d& s, std::size_t p, std::size_t j) { return s.trans_b ? j * s.ldb + p : p * s.ldb + j; }

// C block = sum of the terms over the full K.
void product(const Shape2d& s, std::span<const Term> terms, std::size_t i0, std::size_t mi, std::size_t j0,
             std::size_t nj, std::size_t p0, std::size_t kp, float* c, std::size_t ldc, bool first) {
    for (std::size_t t = 0; t < terms.size(); ++t) {
        const float* a = terms[t].a + a_index(s, i0, p0);
        const float* b = terms[t].b + b_index(s, p0, j0);
        const float beta = (first && t == 0) ? 0.0f : 1.0f;
        if (kp == 1) {
            // A rank-1 update (a linear layer's weight gradient at batch 1): BLAS's sgemm packs both
            // operands for a single product per element and runs ~10x below memory speed here.
            const std::size_t a_step = s.trans_a ? 1 : s.lda;
            const std::size_t b_step = s.trans_b ? s.ldb : 1;
            for (std::size_t i = 0; i < mi; ++i) {
                const float ai = a[i * a_step];
                float* row = c + i * ldc;
                if (b_step == 1) {
                    if (beta == 0.0f) {
                        for (std::size_t j = 0; j < nj; ++j) row[j] = ai * b[j];
                    } else {
                        for (std::size_t j = 0; j < nj; ++j) row[j] += ai * b[j];
                    }
                } else if (beta == 0.0f) {  // never read C: it may hold garbage (NaN * 0 is NaN)
                    for (std::size_t j = 0; j < nj; ++j) row[j] = ai * b[j * b_step];
                } else {
                    for (std::size_t j = 0; j < nj; ++j) row[j] += ai * b[j * b_step];
                }
            }
        } else if (mi == 1) {
            // One row: y = op(B)^T-style product as a matrix-vector call (no packing of B).
            const std::size_t inc_a = s.trans_a ? s.lda : 1;
            blas::sgemv(s.trans_b ? false : true, nj, kp, b, s.ldb, a, inc_a, beta, c, 1);
        } else if (nj == 1) {
            const std::size_t inc_b = s.trans_b ? 1 : s.ldb;
            blas::sgemv(s.trans_a, mi, kp, a, s.lda, b, inc_b, beta, c, ldc);
        } else {
            blas::sgemm(s.trans_a, s.trans_b, mi, nj, kp, a, s.lda, b, s.ldb, beta, c, ldc);
        }
    }
}

}  // namespace

Activation parse_activation(std::string_view name, std::string_view op) {
    static constexpr std::pair<std::string_view, Activation> kNames[] = {
        {"relu", Activation::RELU},       {"relu6", Activation::RELU6},
        {"gelu", Activation::GELU},       {"gelu_approx", Activation::GELU_TANH},
        {"silu", Activation::SILU},       {"sigmoid", Activation::SIGMOID},
        {"sigmoid_approx", Activation::SIGMOID}, {"hardsigmoid", Activation::HARDSIGMOID},
        {"tanh", Activation::TANH},       {"identity", Activation::NONE},
    };
    for (const auto& [n, a] : kNames) {
        if (name == n) return a;
    }
    std::string known;
    for (const auto& [n, a] : kNames) known += (known.empty() ? "" : ", ") + std::string(n);
    throw InvalidArgument(op, "unsupported activation '" + std::string(name) + "' (supported: " + known + ")");
}

void run_block(const Shape2d& s, std::span<const Term> terms, std::size_t i0, std::size_t i1, std::size_t j0,
               std::size_t j1, float* c, std::size_t ldc, bool bf16_accumulate, const Epilogue& epilogue,
               bool round_last) {
    if (i1 <= i0 || j1 <= j0) return;
    float* cb = c + i0 * ldc + j0;
    const std::size_t mi = i1 - i0, nj = j1 - j0;
    if (!bf16_accumulate || s.k <= kDestRoundK) {
        product(s, terms, i0, mi, j0, nj, 0, s.k, cb, ldc, true);
        if (bf16_accumulate && round_last) round_bf16(cb, mi, nj, ldc);
    } else {
        // The destination register holds bf16: the running sum is rounded after every K tile.
        // Sub-blocks keep C in L2 across the K loop.
        constexpr std::size_t kRows = 128, kCols = 512;
        for (std::size_t r = i0; r < i1; r += kRows) {
            const std::size_t rows = std::min(kRows, i1 - r);
            for (std::size_t q = j0; q < j1; q += kCols) {
                const std::size_t cols = std::min(kCols, j1 - q);
                float* cs = c + r * ldc + q;
                for (std::size_t p = 0; p < s.k; p += kDestRoundK) {
                    const std::size_t kp = std::min(kDestRoundK, s.k - p);
                    product(s, terms, r, rows, q, cols, p, kp, cs, ldc, p == 0);
                    if (round_last || p + kp < s.k) round_bf16(cs, rows, cols, ldc);
                }
            }
        }
    }
    if (epilogue.bias != nullptr || epilogue.activation != Activation::NONE) {
        Epilogue shifted = epilogue;
        if (shifted.bias != nullptr) shifted.bias += j0;
        apply_epilogue(cb, mi, nj, ldc, shifted);
    }
}

void run(const Batched& g, ThreadPool& pool) {
    const Shape2d& s = g.shape;
    if (g.batch == 0 || s.m == 0 || s.n == 0) return;
    const std::size_t c_stride = s.m * s.n;
    auto item = [&](std::size_t b, std::vector<Term>& terms) {
        const std::size_t ao = g.a_offsets.empty() ? 0 : g.a_offsets[b];
        const std::size_t bo = g.b_offsets.empty() ? 0 : g.b_offsets[b];
        terms.resize(g.terms.size());
        for (std::size_t t = 0; t < g.terms.size(); ++t) terms[t] = {g.terms[t].a + ao, g.terms[t].b + bo};
        return g.c + b * c_stride;
    };

    const std::size_t threads = pool.num_threads();
    const double flops = 2.0 * static_cast<double>(g.batch) * s.m * s.n * std::max<std::size_t>(s.k, 1);
    // Below ~0.5 MFLOP waking the pool costs more than it saves.
    if (threads == 1 || flops < 5e5) {
        std::vector<Term> terms;
        for (std::size_t b = 0; b < g.batch; ++b) {
            float* c = item(b, terms);
            run_block(s, terms, 0, s.m, 0, s.n, c, s.n, g.bf16_accumulate, g.epilogue);
        }
        return;
    }
    if (g.batch >= threads * 2 || (g.batch >= threads && g.batch % threads == 0)) {
        // Many independent products (attention heads, batched matmul): whole items per task.
        pool.parallel_for(g.batch, 1, [&](std::size_t b0, std::size_t b1) {
            std::vector<Term> terms;
            for (std::size_t b = b0; b < b1; ++b) {
                float* c = item(b, terms);
                run_block(s, terms, 0, s.m, 0, s.n, c, s.n, g.bf16_accumulate, g.epilogue);
            }
        });
        return;
    }
    // Few large products: split each C into `pieces` slabs along its longer side, one per thread,
    // so that each thread packs one operand only once (BLAS packs inside every call).
    const std::size_t pieces = (threads + g.batch - 1) / g.batch;
    const bool split_rows = s.m >= s.n || s.n < 16 * pieces;
    const std::size_t extent = split_rows ? s.m : s.n;
    const std::size_t step = round_up((extent + pieces - 1) / pieces, 16);
    const std::size_t slabs = (extent + step - 1) / step;
    pool.parallel_for(g.batch * slabs, 1, [&](std::size_t t0, std::size_t t1) {
        std::vector<Term> terms;
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t b = t / slabs, piece = t % slabs;
            const std::size_t lo = piece * step, hi = std::min(extent, lo + step);
            float* c = item(b, terms);
            if (split_rows) {
                run_block(s, terms, lo, hi, 0, s.n, c, s.n, g.bf16_accumulate, g.epilogue);
            } else {
                run_block(s, terms, 0, s.m, lo, hi, c, s.n, g.bf16_accumulate, g.epilogue);
            }
        }
    });
}

// epilogue_avx2.cpp
void round_bf16_avx2(float* c, std::size_t rows, std::size_t cols, std::size_t ldc);

void round_bf16(float* c, std::size_t rows, std::size_t cols, std::size_t ldc) {
    if (use_avx2_kernels()) {
        round_bf16_avx2(c, rows, cols, ldc);
        return;
    }
    for (std::size_t i = 0; i < rows; ++i) {
        float* row = c + i * ldc;
        for (std::size_t j = 0; j < cols; ++j) row[j] = round_to_bf16(row[j]);
    }
}

}  // namespace ttnn::ops::gemm
