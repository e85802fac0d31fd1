// AVX2/FMA row softmax for attention (called only after a run-time CPU check).
#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "../matmul/vec_math_avx2.hpp"
#include "softmax.hpp"

namespace ttnn::ops::attention {

namespace {

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

}  // namespace

void softmax_rows_avx2(const SoftmaxRows& job) {
    const float neg_inf = -std::numeric_limits<float>::infinity();
    const __m256 scale = _mm256_set1_ps(job.scale);
    for (std::size_t i = 0; i < job.rows; ++i) {
        float* row = job.s + i * job.ld;
        const float* mrow = job.mask ? job.mask + i * job.mask_ld : nullptr;
        const std::size_t valid = job.causal ? std::min(job.n, job.first_row + i + 1) : job.n;
        const std::size_t vec_end = valid / 8 * 8;
        // x = s * scale + mask (scores first rounded to bf16 when faithful); running max.
        __m256 vmax = _mm256_set1_ps(neg_inf);
        for (std::size_t j = 0; j < vec_end; j += 8) {
            __m256 x = _mm256_loadu_ps(row + j);
            if (job.round_bf16) x = vec::round_bf16_ps(x);
            x = _mm256_mul_ps(x, scale);
            if (mrow) x = _mm256_add_ps(x, _mm256_loadu_ps(mrow + j));
            _mm256_storeu_ps(row + j, x);
            vmax = _mm256_max_ps(vmax, x);
        }
        float m = hmax(vmax);
        for (std::size_t j = vec_end; j < valid; ++j) {
            float x = row[j];
            if (job.round_bf16) x = _mm256_cvtss_f32(vec::round_bf16_ps(_mm256_set1_ps(x)));
            x = x * job.scale + (mrow ? mrow[j] : 0.0f);
            row[j] = x;
            m = std::max(m, x);
        }
        // e = exp(x - max); a row whose every key is masked gives NaN, as torch does.
        const __m256 vm = _mm256_set1_ps(m);
        __m256 vsum = _mm256_setzero_ps();
        for (std::size_t j = 0; j < vec_end; j += 8) {
            const __m256 x = _mm256_sub_ps(_mm256_loadu_ps(row + j), vm);
            // Lanes at -inf (masked by an additive -inf) must give exactly 0.
            const __m256 e = _mm256_and_ps(vec::exp_ps(x), _mm256_cmp_ps(x, _mm256_set1_ps(-88.0f), _CMP_GE_OQ));
            _mm256_storeu_ps(row + j, e);
            vsum = _mm256_add_ps(vsum, e);
        }
        float sum = hsum(vsum);
        for (std::size_t j = vec_end; j < valid; ++j) {
            const float x = row[j] - m;
            const float e = x >= -88.0f ? _mm256_cvtss_f32(vec::exp_ps(_mm256_set1_ps(x))) : 0.0f;
            row[j] = e;
            sum += e;
        }
        if (m == neg_inf || m != m) sum = std::numeric_limits<float>::quiet_NaN();
        const __m256 inv = _mm256_set1_ps(1.0f / sum);
        for (std::size_t j = 0; j < vec_end; j += 8) {
            __m256 p = _mm256_mul_ps(_mm256_loadu_ps(row + j), inv);
            if (job.round_bf16) p = vec::round_bf16_ps(p);
            _mm256_storeu_ps(row + j, p);
        }
        for (std::size_t j = vec_end; j < valid; ++j) {
            float p = row[j] * (1.0f / sum);
            if (job.round_bf16) p = _mm256_cvtss_f32(vec::round_bf16_ps(_mm256_set1_ps(p)));
            row[j] = p;
        }
        std::fill(row + valid, row + job.n, 0.0f);
    }
}

}  // namespace ttnn::ops::attention
