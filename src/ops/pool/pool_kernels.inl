// The pooling/upsampling kernels (see pool_kernels.hpp), written once and compiled per ISA: the
// including file defines TTNN_POOL_ISA (the namespace) and is built with that ISA's flags. Every
// inner loop runs over the contiguous channels of one NHWC pixel, which the compiler vectorizes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "pool_kernels.hpp"

namespace ttnn::ops::pool_detail::TTNN_POOL_ISA {

namespace {

using I = std::int64_t;

// torch's max: a NaN wins.
inline void max_into(float* __restrict o, const float* __restrict x, I c) {
    for (I i = 0; i < c; ++i) {
        const float v = x[i], a = o[i];
        o[i] = (v > a || v != v) ? v : a;
    }
}

inline void add_into(float* __restrict o, const float* __restrict x, I c) {
    for (I i = 0; i < c; ++i) o[i] += x[i];
}

inline void divide(float* __restrict o, float d, I c) {
    for (I i = 0; i < c; ++i) o[i] /= d;
}

void max_pool(const float* in, float* out, const Window2d& w, std::size_t row_begin, std::size_t row_end) {
    const float lowest = -std::numeric_limits<float>::infinity();
    for (std::size_t r = row_begin; r < row_end; ++r) {
        const I n = static_cast<I>(r) / w.oh, oy = static_cast<I>(r) % w.oh;
        for (I ox = 0; ox < w.ow; ++ox) {
            float* o = out + (static_cast<I>(r) * w.ow + ox) * w.c;
            std::fill(o, o + w.c, lowest);
            for (I ky = 0; ky < w.kh; ++ky) {
                const I iy = oy * w.sh - w.pt + ky * w.dh;
                if (iy < 0 || iy >= w.ih) continue;
                for (I kx = 0; kx < w.kw; ++kx) {
                    const I ix = ox * w.sw - w.pl + kx * w.dw;
                    if (ix < 0 || ix >= w.iw) continue;
                    max_into(o, in + ((n * w.ih + iy) * w.iw + ix) * w.c, w.c);
                }
            }
        }
    }
}

// torch's avg_pool2d: the window is clipped to the padded input for count_include_pad and to
// the input for the sum.
void avg_pool(const float* in, float* out, const Window2d& w, std::size_t row_begin, std::size_t row_end) {
    for (std::size_t r = row_begin; r < row_end; ++r) {
        const I n = static_cast<I>(r) / w.oh, oy = static_cast<I>(r) % w.oh;
        I y0 = oy * w.sh - w.pt;
        I y1 = std::min(y0 + w.kh, w.ih + w.pb);
        const I pool_h = y1 - y0;
        y0 = std::max<I>(y0, 0);
        y1 = std::min(y1, w.ih);
        for (I ox = 0; ox < w.ow; ++ox) {
            I x0 = ox * w.sw - w.pl;
            I x1 = std::min(x0 + w.kw, w.iw + w.pr);
            const I pool_size = pool_h * (x1 - x0);
            x0 = std::max<I>(x0, 0);
            x1 = std::min(x1, w.iw);
            float* o = out + (static_cast<I>(r) * w.ow + ox) * w.c;
            std::fill(o, o + w.c, 0.f);
            for (I iy = y0; iy < y1; ++iy) {
                for (I ix = x0; ix < x1; ++ix) add_into(o, in + ((n * w.ih + iy) * w.iw + ix) * w.c, w.c);
            }
            const I count = w.divisor_override      ? w.divisor_override
                            : w.count_include_pad ? pool_size
                                                  : std::max<I>(y1 - y0, 0) * std::max<I>(x1 - x0, 0);
            if (count > 0) divide(o, static_cast<float>(count), w.c);
        }
    }
}

template <bool kMax>
void adaptive(const float* in, float* out, const Adaptive2d& a, std::size_t row_begin, std::size_t row_end) {
    for (std::size_t r = row_begin; r < row_end; ++r) {
        const I n = static_cast<I>(r) / a.oh, oy = static_cast<I>(r) % a.oh;
        const I y0 = oy * a.ih / a.oh, y1 = ((oy + 1) * a.ih + a.oh - 1) / a.oh;
        for (I ox = 0; ox < a.ow; ++ox) {
            const I x0 = ox * a.iw / a.ow, x1 = ((ox + 1) * a.iw + a.ow - 1) / a.ow;
            float* o = out + (static_cast<I>(r) * a.ow + ox) * a.c;
            std::memcpy(o, in + ((n * a.ih + y0) * a.iw + x0) * a.c, static_cast<std::size_t>(a.c) * sizeof(float));
            for (I iy = y0; iy < y1; ++iy) {
                for (I ix = (iy == y0 ? x0 + 1 : x0); ix < x1; ++ix) {
                    const float* x = in + ((n * a.ih + iy) * a.iw + ix) * a.c;
                    if constexpr (kMax) {
                        max_into(o, x, a.c);
                    } else {
                        add_into(o, x, a.c);
                    }
                }
            }
            if constexpr (!kMax) divide(o, static_cast<float>((y1 - y0) * (x1 - x0)), a.c);
        }
    }
}

void adaptive_max(const float* in, float* out, const Adaptive2d& a, std::size_t b, std::size_t e) {
    adaptive<true>(in, out, a, b, e);
}
void adaptive_avg(const float* in, float* out, const Adaptive2d& a, std::size_t b, std::size_t e) {
    adaptive<false>(in, out, a, b, e);
}

void global_avg(const float* in, float* out, I hw, I c, std::size_t begin, std::size_t end) {
    const I blocks = (c + kChannelBlock - 1) / kChannelBlock;
    alignas(64) float acc[kChannelBlock];
    for (std::size_t item = begin; item < end; ++item) {
        const I n = static_cast<I>(item) / blocks, c0 = (static_cast<I>(item) % blocks) * kChannelBlock;
        const I cn = std::min(kChannelBlock, c - c0);
        std::fill(acc, acc + cn, 0.f);
        const float* x = in + n * hw * c + c0;
        for (I p = 0; p < hw; ++p) add_into(acc, x + p * c, cn);
        float* o = out + n * c + c0;
        for (I i = 0; i < cn; ++i) o[i] = acc[i] / static_cast<float>(hw);
    }
}

// torch's nearest_idx.
inline I nearest_index(I o, I in_size, I out_size, float scale) {
    if (out_size == in_size) return o;
    if (out_size == 2 * in_size) return o >> 1;
    return std::min(static_cast<I>(std::floor(static_cast<float>(o) * scale)), in_size - 1);
}

void upsample_nearest(const float* in, float* out, const Upsample2d& u, std::size_t row_begin, std::size_t row_end) {
    const std::size_t pixel = static_cast<std::size_t>(u.c) * sizeof(float);
    for (std::size_t r = row_begin; r < row_end; ++r) {
        const I n = static_cast<I>(r) / u.oh, oy = static_cast<I>(r) % u.oh;
        const I iy = nearest_index(oy, u.ih, u.oh, u.scale_h);
        const float* src_row = in + (n * u.ih + iy) * u.iw * u.c;
        float* o = out + static_cast<I>(r) * u.ow * u.c;
        for (I ox = 0; ox < u.ow; ++ox) {
            std::memcpy(o + ox * u.c, src_row + nearest_index(ox, u.iw, u.ow, u.scale_w) * u.c, pixel);
        }
    }
}

// torch's area_pixel_compute_source_index (align_corners=False) and linear weights.
struct Linear {
    I i0, i1;
    float l0, l1;
};
inline Linear linear_source(I o, I in_size, float scale) {
    float src = scale * (static_cast<float>(o) + 0.5f) - 0.5f;
    if (src < 0.f) src = 0.f;
    const I i0 = static_cast<I>(src);
    const I offset = i0 < in_size - 1 ? 1 : 0;
    const float l1 = std::min(std::max(src - static_cast<float>(i0), 0.f), 1.f);
    return {i0, i0 + offset, 1.f - l1, l1};
}

void upsample_bilinear(const float* in, float* out, const Upsample2d& u, std::size_t row_begin, std::size_t row_end) {
    for (std::size_t r = row_begin; r < row_end; ++r) {
        const I n = static_cast<I>(r) / u.oh, oy = static_cast<I>(r) % u.oh;
        const Linear h = linear_source(oy, u.ih, u.scale_h);
        const float* row0 = in + (n * u.ih + h.i0) * u.iw * u.c;
        const float* row1 = in + (n * u.ih + h.i1) * u.iw * u.c;
        for (I ox = 0; ox < u.ow; ++ox) {
            const Linear w = linear_source(ox, u.iw, u.scale_w);
            const float w00 = h.l0 * w.l0, w01 = h.l0 * w.l1, w10 = h.l1 * w.l0, w11 = h.l1 * w.l1;
            const float* __restrict x00 = row0 + w.i0 * u.c;
            const float* __restrict x01 = row0 + w.i1 * u.c;
            const float* __restrict x10 = row1 + w.i0 * u.c;
            const float* __restrict x11 = row1 + w.i1 * u.c;
            float* __restrict o = out + (static_cast<I>(r) * u.ow + ox) * u.c;
            for (I i = 0; i < u.c; ++i) o[i] = x00[i] * w00 + x01[i] * w01 + x10[i] * w10 + x11[i] * w11;
        }
    }
}

// Strictly greater (or NaN) replaces: ties keep the earlier window position, as torch.
inline void argmax_into(float* __restrict o, std::int64_t* __restrict index, const float* __restrict x,
                        std::int64_t at, I c) {
    for (I i = 0; i < c; ++i) {
        const float v = x[i], a = o[i];
        const bool take = v > a || v != v;
        o[i] = take ? v : a;
        index[i] = take ? at : index[i];
    }
}

void max_pool_indexed(const float* in, float* out, std::int64_t* index, const Window2d& w, std::size_t row_begin,
                      std::size_t row_end) {
    const float lowest = -std::numeric_limits<float>::infinity();
    for (std::size_t r = row_begin; r < row_end; ++r) {
        const I n = static_cast<I>(r) / w.oh, oy = static_cast<I>(r) % w.oh;
        for (I ox = 0; ox < w.ow; ++ox) {
            const I at = (static_cast<I>(r) * w.ow + ox) * w.c;
            float* o = out + at;
            std::int64_t* idx = index + at;
            std::fill(o, o + w.c, lowest);
            std::int64_t first = -1;  // torch starts from the window's first input (an all -inf window)
            for (I ky = 0; ky < w.kh; ++ky) {
                const I iy = oy * w.sh - w.pt + ky * w.dh;
                if (iy < 0 || iy >= w.ih) continue;
                for (I kx = 0; kx < w.kw; ++kx) {
                    const I ix = ox * w.sw - w.pl + kx * w.dw;
                    if (ix < 0 || ix >= w.iw) continue;
                    const std::int64_t flat = iy * w.iw + ix;
                    if (first < 0) {
                        first = flat;
                        std::fill(idx, idx + w.c, first);
                    }
                    argmax_into(o, idx, in + ((n * w.ih + iy) * w.iw + ix) * w.c, flat, w.c);
                }
            }
            if (first < 0) std::fill(idx, idx + w.c, std::int64_t{0});
        }
    }
}

// A scatter: the (image, channel block) items own disjoint outputs, so they run in parallel;
// within one, grad_output is added in output order (torch's summation order).
void max_pool_bw(const float* grad, const std::int64_t* index, float* grad_in, const Window2d& w, std::size_t begin,
                 std::size_t end) {
    const I blocks = (w.c + kChannelBlock - 1) / kChannelBlock, plane = w.ih * w.iw, outs = w.oh * w.ow;
    for (std::size_t item = begin; item < end; ++item) {
        const I n = static_cast<I>(item) / blocks, c0 = static_cast<I>(item) % blocks * kChannelBlock;
        const I c1 = std::min(w.c, c0 + kChannelBlock);
        float* gi = grad_in + n * plane * w.c;
        for (I p = 0; p < plane; ++p) std::fill(gi + p * w.c + c0, gi + p * w.c + c1, 0.f);
        const float* g = grad + n * outs * w.c;
        const std::int64_t* idx = index + n * outs * w.c;
        for (I o = 0; o < outs; ++o)
            for (I c = c0; c < c1; ++c) gi[idx[o * w.c + c] * w.c + c] += g[o * w.c + c];
    }
}

// The windows covering input position i along one dim: outputs [first, last] of
// o*s - pad <= i < o*s - pad + k.
inline std::pair<I, I> covering(I i, I pad, I k, I s, I out) {
    const I hi = i + pad;  // o*s <= hi and o*s > hi - k
    const I first = hi - k + 1 <= 0 ? 0 : (hi - k + 1 + s - 1) / s;
    return {first, std::min(out - 1, hi / s)};
}

// torch's divisor of output (oy, ox): as avg_pool (window clipped to the padded input, or to the input).
inline I avg_divisor(const Window2d& w, I oy, I ox) {
    if (w.divisor_override) return w.divisor_override;
    I y0 = oy * w.sh - w.pt, x0 = ox * w.sw - w.pl;
    I y1 = std::min(y0 + w.kh, w.ih + w.pb), x1 = std::min(x0 + w.kw, w.iw + w.pr);
    if (w.count_include_pad) return (y1 - y0) * (x1 - x0);
    y0 = std::max<I>(y0, 0);
    x0 = std::max<I>(x0, 0);
    y1 = std::min(y1, w.ih);
    x1 = std::min(x1, w.iw);
    return std::max<I>(y1 - y0, 0) * std::max<I>(x1 - x0, 0);
}

void avg_pool_bw(const float* grad, float* grad_in, const Window2d& w, std::size_t row_begin, std::size_t row_end) {
    for (std::size_t r = row_begin; r < row_end; ++r) {
        const I n = static_cast<I>(r) / w.ih, iy = static_cast<I>(r) % w.ih;
        const auto [oy0, oy1] = covering(iy, w.pt, w.kh, w.sh, w.oh);
        for (I ix = 0; ix < w.iw; ++ix) {
            float* __restrict gi = grad_in + (static_cast<I>(r) * w.iw + ix) * w.c;
            std::fill(gi, gi + w.c, 0.f);
            const auto [ox0, ox1] = covering(ix, w.pl, w.kw, w.sw, w.ow);
            for (I oy = oy0; oy <= oy1; ++oy) {
                for (I ox = ox0; ox <= ox1; ++ox) {
                    const I d = avg_divisor(w, oy, ox);
                    if (d <= 0) continue;
                    const float divisor = static_cast<float>(d);
                    const float* __restrict g = grad + ((n * w.oh + oy) * w.ow + ox) * w.c;
                    for (I c = 0; c < w.c; ++c) gi[c] += g[c] / divisor;
                }
            }
        }
    }
}

}  // namespace

const Kernels kKernels{max_pool,         avg_pool,         adaptive_max, adaptive_avg, global_avg, upsample_nearest,
                       upsample_bilinear, max_pool_indexed, max_pool_bw,  avg_pool_bw};

}  // namespace ttnn::ops::pool_detail::TTNN_POOL_ISA
