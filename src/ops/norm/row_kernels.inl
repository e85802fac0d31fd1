// The norm ops' row kernels, written once on GCC vectors of kLanes floats and compiled per ISA by
// row_kernels_generic.cpp (4 lanes) and row_kernels_avx2.cpp (8 lanes, AVX2 + FMA). The includer
// defines TTNN_ROW_KERNELS_LANES and TTNN_ROW_KERNELS_NAMESPACE.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "norm_kernels.hpp"

#pragma GCC diagnostic ignored "-Wpsabi"  // vectors stay inside this file; no ABI crosses it

namespace ttnn::ops::norm::TTNN_ROW_KERNELS_NAMESPACE {
namespace {

constexpr std::size_t kLanes = TTNN_ROW_KERNELS_LANES;
typedef float VF __attribute__((vector_size(kLanes * sizeof(float))));
typedef std::int32_t VI __attribute__((vector_size(kLanes * sizeof(float))));

inline VF splat(float c) {
    VF v;
    for (std::size_t k = 0; k < kLanes; ++k) v[k] = c;
    return v;
}
inline VF load(const float* p) {
    VF v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(float* p, VF v) { std::memcpy(p, &v, sizeof v); }
// The first n < kLanes values, the other lanes `fill`; and the store of the first n lanes.
inline VF load_partial(const float* p, std::size_t n, float fill) {
    VF v = splat(fill);
    std::memcpy(&v, p, n * sizeof(float));
    return v;
}
inline void store_partial(float* p, VF v, std::size_t n) { std::memcpy(p, &v, n * sizeof(float)); }
inline float hsum(VF v) {
    float s = 0.0f;
    for (std::size_t k = 0; k < kLanes; ++k) s += v[k];
    return s;
}
// Max that propagates NaN: once a lane is NaN it stays NaN.
inline VF max_nan(VF a, VF b) { return ((b > a) | (b != b)) ? b : a; }
inline float hmax(VF v) {
    float m = v[0];
    for (std::size_t k = 1; k < kLanes; ++k) m = (v[k] > m || v[k] != v[k]) ? v[k] : m;
    return m;
}

// e^x within 1 ulp: Cephes' expf polynomial on x = n ln2 + r, |r| <= ln2 / 2, scaled by 2^n as two
// normal powers of two so that denormal results come out right. exp(-inf) = 0, exp(inf) = inf,
// NaN stays NaN.
inline VF exp_v(VF x) {
    const VF magic = splat(12582912.0f);  // 1.5 * 2^23: adding it rounds to an integer
    VF xc = x < splat(-104.0f) ? splat(-104.0f) : x;
    xc = xc > splat(89.0f) ? splat(89.0f) : xc;
    const VF t = xc * splat(1.44269504088896341f) + magic;
    const VF n = t - magic;
    const VI ni = reinterpret_cast<VI>(t) - reinterpret_cast<VI>(magic);
    VF r = xc - n * splat(0.693359375f);
    r = r - n * splat(-2.12194440e-4f);
    const VF z = r * r;
    VF p = splat(1.9875691500e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    p = p * z + r + splat(1.0f);
    const VI n1 = ni >> 1, n2 = ni - n1;
    const VF s1 = reinterpret_cast<VF>((n1 + 127) << 23);
    const VF s2 = reinterpret_cast<VF>((n2 + 127) << 23);
    VF y = p * s1 * s2;
    y = x < splat(-104.0f) ? splat(0.0f) : y;
    y = x > splat(88.72283935546875f) ? splat(std::numeric_limits<float>::infinity()) : y;
    return x != x ? x : y;
}

// Float32 sums of long rows fold their lane accumulators into a total every kFold elements, so the
// rounding error grows with kFold + n / kFold rather than with n.
constexpr std::size_t kFold = 64 * kLanes;

float sum(const float* p, std::size_t n) {
    VF total = splat(0.0f);
    for (std::size_t b = 0; b < n; b += kFold) {
        const std::size_t e = std::min(n, b + kFold);
        VF a = splat(0.0f), c = splat(0.0f);
        std::size_t i = b;
        for (; i + 2 * kLanes <= e; i += 2 * kLanes) {
            a += load(p + i);
            c += load(p + i + kLanes);
        }
        for (; i + kLanes <= e; i += kLanes) a += load(p + i);
        if (i < e) c += load_partial(p + i, e - i, 0.0f);
        total += a + c;
    }
    return hsum(total);
}

float sum_sq(const float* p, std::size_t n, float c) {
    const VF cv = splat(c);
    VF total = splat(0.0f);
    for (std::size_t b = 0; b < n; b += kFold) {
        const std::size_t e = std::min(n, b + kFold);
        VF a0 = splat(0.0f), a1 = splat(0.0f);
        std::size_t i = b;
        for (; i + 2 * kLanes <= e; i += 2 * kLanes) {
            const VF d0 = load(p + i) - cv, d1 = load(p + i + kLanes) - cv;
            a0 += d0 * d0;
            a1 += d1 * d1;
        }
        for (; i + kLanes <= e; i += kLanes) {
            const VF d = load(p + i) - cv;
            a0 += d * d;
        }
        if (i < e) {
            const VF d = load_partial(p + i, e - i, c) - cv;
            a1 += d * d;
        }
        total += a0 + a1;
    }
    return hsum(total);
}

float max(const float* p, std::size_t n) {
    VF m = splat(p[0]);
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) m = max_nan(m, load(p + i));
    if (i < n) m = max_nan(m, load_partial(p + i, n - i, p[0]));
    return hmax(m);
}

void scale(float* p, std::size_t n, float s) {
    const VF sv = splat(s);
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) store(p + i, load(p + i) * sv);
    for (; i < n; ++i) p[i] *= s;
}

void softmax_row(const float* x, float* y, std::size_t n, bool stable) {
    if (n == 0) return;
    const VF shift = splat(stable ? max(x, n) : 0.0f);
    VF total = splat(0.0f);
    for (std::size_t b = 0; b < n; b += kFold) {
        const std::size_t e = std::min(n, b + kFold);
        VF a = splat(0.0f);
        std::size_t i = b;
        for (; i + kLanes <= e; i += kLanes) {
            const VF v = exp_v(load(x + i) - shift);
            store(y + i, v);
            a += v;
        }
        if (i < e) {
            const VF v = exp_v(load_partial(x + i, e - i, 0.0f) - shift);
            store_partial(y + i, v, e - i);
            for (std::size_t k = 0; k < e - i; ++k) a[k] += v[k];
        }
        total += a;
    }
    scale(y, n, 1.0f / hsum(total));
}

void softmax_columns(const float* x, float* y, std::size_t rows, std::size_t stride, std::size_t w, bool stable) {
    constexpr std::size_t kVectors = kSoftmaxBlock / kLanes;
    VF shift[kVectors], total[kVectors];
    const std::size_t nv = (w + kLanes - 1) / kLanes;
    const std::size_t full = w / kLanes, tail = w % kLanes;  // vectors [0, full) are whole
    auto get = [&](const float* row, std::size_t v) {
        return v < full ? load(row + v * kLanes) : load_partial(row + v * kLanes, tail, 0.0f);
    };
    auto put = [&](float* row, std::size_t v, VF value) {
        if (v < full)
            store(row + v * kLanes, value);
        else
            store_partial(row + v * kLanes, value, tail);
    };
    for (std::size_t v = 0; v < nv; ++v) {
        shift[v] = stable ? get(x, v) : splat(0.0f);
        total[v] = splat(0.0f);
    }
    if (stable) {
        for (std::size_t r = 1; r < rows; ++r) {
            for (std::size_t v = 0; v < nv; ++v) shift[v] = max_nan(shift[v], get(x + r * stride, v));
        }
    }
    for (std::size_t r0 = 0; r0 < rows; r0 += 256) {  // column sums folded every 256 rows, as in sum()
        VF part[kVectors];
        for (std::size_t v = 0; v < nv; ++v) part[v] = splat(0.0f);
        for (std::size_t r = r0; r < std::min(rows, r0 + 256); ++r) {
            for (std::size_t v = 0; v < nv; ++v) {
                const VF e = exp_v(get(x + r * stride, v) - shift[v]);
                put(y + r * stride, v, e);
                part[v] += e;
            }
        }
        for (std::size_t v = 0; v < nv; ++v) total[v] += part[v];
    }
    for (std::size_t v = 0; v < nv; ++v) total[v] = splat(1.0f) / total[v];
    for (std::size_t r = 0; r < rows; ++r) {
        float* row = y + r * stride;
        for (std::size_t v = 0; v < nv; ++v) put(row, v, get(row, v) * total[v]);
    }
}

void normalize_row(const float* x, float* y, std::size_t n, float mean, float rstd, const float* gamma,
                   const float* beta) {
    if (gamma && beta) {
        for (std::size_t i = 0; i < n; ++i) y[i] = (x[i] - mean) * rstd * gamma[i] + beta[i];
    } else if (gamma) {
        for (std::size_t i = 0; i < n; ++i) y[i] = (x[i] - mean) * rstd * gamma[i];
    } else if (beta) {
        for (std::size_t i = 0; i < n; ++i) y[i] = (x[i] - mean) * rstd + beta[i];
    } else {
        for (std::size_t i = 0; i < n; ++i) y[i] = (x[i] - mean) * rstd;
    }
}

}  // namespace

const RowKernels& kernels() {
    static const RowKernels k{&softmax_row, &softmax_columns, &sum, &sum_sq, &normalize_row};
    return k;
}

}  // namespace ttnn::ops::norm::TTNN_ROW_KERNELS_NAMESPACE
