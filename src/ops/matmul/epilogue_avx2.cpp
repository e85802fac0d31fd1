// AVX2/FMA version of the fused bias + activation pass (called only after a run-time CPU check).
// exp from vec_math_avx2.hpp; erf through erfc's Chebyshev fit (fractional error < 1.2e-7); tanh:
// a minimax odd polynomial near 0, 1 - 2/(e^2x + 1) beyond.
#include <immintrin.h>

#include <cmath>

#include "gemm.hpp"
#include "vec_math_avx2.hpp"

namespace ttnn::ops::gemm {

namespace {

inline __m256 abs_ps(__m256 x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }
inline __m256 sign_of(__m256 x) { return _mm256_and_ps(_mm256_set1_ps(-0.0f), x); }

inline __m256 sigmoid_ps(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, vec::exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

inline __m256 tanh_ps(__m256 x) {
    const __m256 ax = abs_ps(x);
    // |x| < 0.625: x + x^3 P(x^2) (Cephes tanhf coefficients).
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
    const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
    // Otherwise 1 - 2 / (e^{2|x|} + 1), with the sign put back.
    const __m256 e = vec::exp_ps(_mm256_add_ps(ax, ax));
    const __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f),
                                     _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
    const __m256 big_signed = _mm256_or_ps(big, sign_of(x));
    return _mm256_blendv_ps(big_signed, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

inline __m256 erf_ps(__m256 x) {
    // erfc(|x|) = t exp(-x^2 - 1.26551223 + t P(t)), t = 1 / (1 + |x|/2) (Numerical Recipes' erfcc).
    const __m256 ax = abs_ps(x);
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.5f), ax, one));
    __m256 p = _mm256_set1_ps(0.17087277f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
    const __m256 expo = _mm256_fnmadd_ps(ax, ax, p);
    const __m256 erfc = _mm256_mul_ps(t, vec::exp_ps(expo));
    return _mm256_or_ps(_mm256_sub_ps(one, erfc), sign_of(x));
}

template <Activation A>
inline __m256 activate(__m256 x) {
    if constexpr (A == Activation::NONE) {
        return x;
    } else if constexpr (A == Activation::RELU) {
        return _mm256_max_ps(x, _mm256_setzero_ps());
    } else if constexpr (A == Activation::RELU6) {
        return _mm256_min_ps(_mm256_max_ps(x, _mm256_setzero_ps()), _mm256_set1_ps(6.0f));
    } else if constexpr (A == Activation::GELU) {
        const __m256 e = erf_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f)));
        return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
    } else if constexpr (A == Activation::GELU_TANH) {
        const __m256 x3 = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
        const __m256 inner = _mm256_mul_ps(_mm256_set1_ps(0.79788456080286536f),
                                           _mm256_fmadd_ps(_mm256_set1_ps(0.044715f), x3, x));
        return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), _mm256_add_ps(_mm256_set1_ps(1.0f), tanh_ps(inner)));
    } else if constexpr (A == Activation::SILU) {
        return _mm256_mul_ps(x, sigmoid_ps(x));
    } else if constexpr (A == Activation::SIGMOID) {
        return sigmoid_ps(x);
    } else if constexpr (A == Activation::HARDSIGMOID) {
        const __m256 y = _mm256_fmadd_ps(x, _mm256_set1_ps(1.0f / 6.0f), _mm256_set1_ps(0.5f));
        return _mm256_min_ps(_mm256_max_ps(y, _mm256_setzero_ps()), _mm256_set1_ps(1.0f));
    } else if constexpr (A == Activation::EXP) {
        // exp_ps clamps its input to [-87.3, 88.3]; restore e^x's limits: 0 below (denormals flushed,
        // as the hardware does), (e^{x/2})^2 above (overflowing to inf past 88.72), NaN kept.
        const __m256 under = _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
        const __m256 over = _mm256_cmp_ps(x, _mm256_set1_ps(88.3f), _CMP_GT_OQ);
        const __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
        const __m256 half = vec::exp_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)));
        __m256 r = _mm256_andnot_ps(under, vec::exp_ps(x));
        r = _mm256_blendv_ps(r, _mm256_mul_ps(half, half), over);
        return _mm256_blendv_ps(r, x, nan);
    } else {
        return tanh_ps(x);
    }
}

template <Activation A>
void run(float* c, std::size_t rows, std::size_t cols, std::size_t ldc, const float* bias) {
    alignas(32) float tail[8];
    for (std::size_t i = 0; i < rows; ++i) {
        float* row = c + i * ldc;
        std::size_t j = 0;
        for (; j + 8 <= cols; j += 8) {
            __m256 v = _mm256_loadu_ps(row + j);
            if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + j));
            _mm256_storeu_ps(row + j, activate<A>(v));
        }
        if (j < cols) {
            const std::size_t r = cols - j;
            for (std::size_t q = 0; q < 8; ++q) tail[q] = q < r ? row[j + q] + (bias ? bias[j + q] : 0.0f) : 0.0f;
            _mm256_store_ps(tail, activate<A>(_mm256_load_ps(tail)));
            for (std::size_t q = 0; q < r; ++q) row[j + q] = tail[q];
        }
    }
}

}  // namespace

void apply_epilogue_avx2(float* c, std::size_t rows, std::size_t cols, std::size_t ldc, const Epilogue& e) {
    switch (e.activation) {
        case Activation::NONE: run<Activation::NONE>(c, rows, cols, ldc, e.bias); break;
        case Activation::RELU: run<Activation::RELU>(c, rows, cols, ldc, e.bias); break;
        case Activation::RELU6: run<Activation::RELU6>(c, rows, cols, ldc, e.bias); break;
        case Activation::GELU: run<Activation::GELU>(c, rows, cols, ldc, e.bias); break;
        case Activation::GELU_TANH: run<Activation::GELU_TANH>(c, rows, cols, ldc, e.bias); break;
        case Activation::SILU: run<Activation::SILU>(c, rows, cols, ldc, e.bias); break;
        case Activation::SIGMOID: run<Activation::SIGMOID>(c, rows, cols, ldc, e.bias); break;
        case Activation::HARDSIGMOID: run<Activation::HARDSIGMOID>(c, rows, cols, ldc, e.bias); break;
        case Activation::TANH: run<Activation::TANH>(c, rows, cols, ldc, e.bias); break;
        case Activation::EXP: run<Activation::EXP>(c, rows, cols, ldc, e.bias); break;
    }
}

void round_bf16_avx2(float* c, std::size_t rows, std::size_t cols, std::size_t ldc) {
    const __m256 nan = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FC00000));
    for (std::size_t i = 0; i < rows; ++i) {
        float* row = c + i * ldc;
        std::size_t j = 0;
        for (; j + 8 <= cols; j += 8) {
            const __m256 x = _mm256_loadu_ps(row + j);
            _mm256_storeu_ps(row + j, _mm256_blendv_ps(vec::round_bf16_ps(x), nan, _mm256_cmp_ps(x, x, _CMP_UNORD_Q)));
        }
        for (; j < cols; ++j) row[j] = round_to_bf16(row[j]);
    }
}

}  // namespace ttnn::ops::gemm
